//! Enums whose values are stored as fixed strings (SQLite columns, DynamoDB attributes): each is
//! declared with its stored names once, and gets `ALL`, `as_str`, `parse` and `Display` from them.
//! A stored string that no value has is left to the reader to call corrupt.

/// Declares an enum whose variants are stored as the given strings.
macro_rules! stored_names {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident = $stored:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $($(#[$variant_meta])* $variant,)+
        }

        #[allow(dead_code)]
        impl $name {
            /// Every value, in the order declared.
            pub const ALL: [Self; [$($stored),+].len()] = [$(Self::$variant),+];

            /// The stored form.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $stored,)+
                }
            }

            /// The value stored as `raw`, if any.
            pub fn parse(raw: &str) -> Option<Self> {
                match raw {
                    $($stored => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use stored_names;

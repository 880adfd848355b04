//! "Prenotazione non registrata": the details step was refused by a quota. The citizen is told on
//! their own channel, never on the screen, so that the screen tells a stranger nothing about what a
//! contact has booked.

use prenota_core::contact::Contact;
use prenota_core::quota::{QuotaExceeded, QuotaPolicy};
use prenota_core::texts::fill;

use super::parts::{booking_sms, email_message, letter, summary_rows};
use super::texts::texts;
use crate::facts::BookingFacts;
use crate::message::Message;

/// The booking of `facts` was not made because of `rule` of `policy`, which the message names;
/// `person` is who the rule stopped ("Luca Rossi", in a household); `my_bookings_url` opens "Le
/// mie prenotazioni".
pub fn quota_notice(
    facts: &BookingFacts,
    contact: &Contact,
    rule: QuotaExceeded,
    policy: &QuotaPolicy,
    person: &str,
    my_bookings_url: &str,
) -> Message {
    let t = texts(facts.lang);
    let max = match rule {
        QuotaExceeded::ContactActive => policy.max_active_per_contact,
        QuotaExceeded::Active | QuotaExceeded::ServiceDay => policy.max_active,
    }
    .to_string();
    let values = [("max", max.as_str()), ("person", person)];
    match contact {
        Contact::Sms(_) => {
            // One segment: the first name, which the family reading it knows, and no more.
            let first_name: String = person
                .split_whitespace()
                .next()
                .unwrap_or(person)
                .chars()
                .take(15)
                .collect();
            let values = [("max", max.as_str()), ("person", first_name.as_str())];
            let rule = match rule {
                QuotaExceeded::Active => fill(t.quota_rule_active_short, &values),
                QuotaExceeded::ServiceDay => fill(t.quota_rule_day_short, &values),
                QuotaExceeded::ContactActive => fill(t.quota_rule_contact_short, &values),
            };
            let values = [("rule", rule.as_str()), ("url", my_bookings_url)];
            booking_sms(facts, contact, t.quota_sms, t.quota_sms_short, &values)
        }
        Contact::Email(_) => {
            let mut doc = letter(facts);
            doc.para(t.quota_intro);
            doc.summary(summary_rows(facts, false));
            doc.para(match rule {
                QuotaExceeded::Active => fill(t.quota_active, &values),
                QuotaExceeded::ServiceDay => fill(t.quota_service_day, &values),
                QuotaExceeded::ContactActive => fill(t.quota_contact_active, &values),
            });
            doc.button(t.quota_mine, my_bookings_url);
            doc.small(t.quota_not_you);
            email_message(contact, doc, t.quota_subject)
        }
    }
}

#[cfg(test)]
mod tests {
    use prenota_core::catalogue::Lang;

    use super::*;
    use crate::compose::tests::{assert_email, assert_sms, email_contact, sms_contact, variants};

    #[test]
    fn a_quota_notice_names_the_rule_and_links_to_my_bookings() {
        let policy = QuotaPolicy::default();
        for (lang, facts, host) in variants() {
            let url = format!("https://{host}/?view=my-bookings");
            let notice = |contact, rule| quota_notice(&facts, &contact, rule, &policy, "Luca Rossi", &url);
            let active = notice(email_contact(), QuotaExceeded::Active);
            let (subject, rule) = match lang {
                Lang::It => (
                    "Prenotazione non registrata",
                    "Per Luca Rossi ci sono già 3 prenotazioni attive",
                ),
                Lang::En => ("Booking not made", "Luca Rossi already has 3 active bookings"),
            };
            let email = assert_email(&active, &[&url, rule, &facts.service_name]);
            assert!(email.subject.ends_with(subject));
            assert_email(
                &notice(email_contact(), QuotaExceeded::ServiceDay),
                &[match lang {
                    Lang::It => {
                        "Per Luca Rossi c'è già una prenotazione per lo stesso servizio nello stesso giorno"
                    }
                    Lang::En => "Luca Rossi already has a booking for the same service on the same day",
                }],
            );
            assert_email(
                &notice(email_contact(), QuotaExceeded::ContactActive),
                &[match lang {
                    Lang::It => "già 8 prenotazioni attive, il numero massimo consentito per un contatto",
                    Lang::En => "already has 8 active bookings, the most allowed for one contact",
                }],
            );
            let text = assert_sms(&notice(sms_contact(), QuotaExceeded::ServiceDay), &[&url]);
            assert!(text.contains(match lang {
                Lang::It => "Luca ha già questo servizio",
                Lang::En => "Luca already has this service",
            }));
            assert!(text.contains(match lang {
                Lang::It => "non registrata",
                Lang::En => "not made",
            }));
        }
    }
}

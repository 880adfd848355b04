//! `POST /api/my-bookings` ("Le mie prenotazioni") and `POST /api/feedback` (the rating).

use http::StatusCode;
use prenota_core::contact::Contact;
use prenota_core::feedback::{Feedback, FeedbackReason, Rating};
use prenota_store::{ContactMessages, FeedbackStore, OutboxStore};
use prenota_usecases::{Context, feedback as ratings, my_bookings as lists};
use serde_json::json;

use super::Handled;
use crate::answer::{json, no_content};
use crate::problem::{Code, Problem};
use crate::request::Body;

prenota_core::texts! {
    /// What the API's answers say to people.
    pub(super) struct Answers;
    /// The answers of `lang`.
    pub(super) fn answers;

    list_on_its_way: "Se ci sono prenotazioni future per questo contatto, riceverai l'elenco lì a breve.",
        "If this contact has future bookings, the list will reach it shortly.";
    waiting_on_its_way: "Ti abbiamo inviato un link per confermare l'iscrizione alla lista d'attesa: se il contatto \
                         è giusto, lo riceverai a breve. Senza conferma entro 24 ore la richiesta non vale.",
        "We have sent a link to confirm your place on the waiting list: if the contact is right, it will reach \
         you shortly. Without confirmation within 24 hours the request lapses.";
}

/// Always the same answer, whatever the contact: the list is built and sent by the sender, so
/// neither the body nor the time taken says whether the contact has bookings.
pub async fn my_bookings<S>(context: &Context, store: &S, body: &Body) -> Handled
where
    S: OutboxStore + ContactMessages + ?Sized,
{
    let destinations = &context.settings.sms_destinations;
    let contact = Contact::parse_with(body.text("contact", Code::InvalidContact)?, destinations)?;
    body.accepted_terms()?;
    lists::request(context, store, &contact, body.lang).await?;
    let text = answers(body.lang).list_on_its_way;
    Ok(json(StatusCode::ACCEPTED, &json!({ "message": text })))
}

/// An anonymous rating: no contact, no booking, no address, and the day without the time.
pub async fn feedback(context: &Context, store: &dyn FeedbackStore, body: &Body) -> Handled {
    let rating = body
        .optional_integer("rating", Code::InvalidRating)?
        .and_then(|value| Rating::new(value).ok())
        .ok_or_else(|| Problem::new(Code::InvalidRating).field("rating"))?;
    // An empty reason is no reason.
    let reason = body
        .optional_parsed("reason", Code::InvalidReason, FeedbackReason::parse)?
        .flatten();
    let feedback = Feedback {
        rating,
        reason,
        lang: body.lang,
    };
    ratings::rate(context, store, feedback).await?;
    Ok(no_content())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_answer_is_translated() {
        assert_eq!(
            prenota_core::texts::problems(super::Answers::ALL),
            Vec::<String>::new()
        );
    }
}

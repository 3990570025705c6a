// Automated mail without automated headers: sender mailboxes, subject labels, absence
// statements and body formulas, and the human mail that must not be taken for any of them.
#include <doctest/doctest.h>

#include "email/automated.h"
#include "switchboard/email.h"

using namespace switchboard;
using email_detail::absence_signals;
using email_detail::automated_sender;
using email_detail::automated_subject_label;
using email_detail::own_text;

namespace {

MailKind classify(std::string subject, std::string body = "", std::string from = "ann@example.com",
                  std::vector<HeaderField> headers = {}) {
  InboundEmail e;
  e.sender = std::move(from);
  e.subject = std::move(subject);
  e.text_content = std::move(body);
  e.content = e.text_content;
  e.headers = std::move(headers);
  return classify_mail(e);
}

int signals(std::string_view subject, std::string_view body) {
  bool declared = false;
  return absence_signals(subject, body, declared);
}

}  // namespace

TEST_CASE("automated text: sender mailboxes, on whole words of the local part") {
  for (const char* local : {"autoresponder", "auto-reply", "autoreply", "auto_reply", "auto.reply",
                            "shop.autoreply", "orders.autoresponse", "auto-responder", "autorespond",
                            "autoreply-orders", "Auto-Reply"})
    CHECK_MESSAGE(automated_sender(local) == MailKind::kAutoReply, local);
  CHECK(automated_sender("out-of-office") == MailKind::kOutOfOffice);
  for (const char* local : {"autoparts", "ann.autor", "automated-testing-team", "replyall", "jane", "auto",
                            "reply", "autoreplyservice", "notifications", "postmaster-alerts"})
    CHECK_MESSAGE(automated_sender(local) == MailKind::kHuman, local);
}

TEST_CASE("automated text: subject labels in twelve languages, anchored, with a colon") {
  struct Case {
    const char* subject;
    MailKind kind;
  };
  const MailKind ooo = MailKind::kOutOfOffice, ar = MailKind::kAutoReply, b = MailKind::kBounce;
  for (const Case& c : std::vector<Case>{
           {"Automatic reply: Order 1", ooo}, {"AUTOMATIC REPLY: order", ooo}, {"Out of Office: x", ooo},
           {"Out of Office", ooo}, {"Out of office reply: x", ooo}, {"Auto: Your order", ar},
           {"Autoreply: x", ar}, {"Auto-Reply: x", ar}, {"Auto Response: x", ar},
           {"Automatische Antwort: Bestellung", ooo}, {"Abwesenheitsnotiz: Angebot", ooo},
           {"Abwesend: Angebot", ooo}, {"Réponse automatique : Commande", ooo},
           {"R\xC3\xA9ponse automatique\xC2\xA0: Commande", ooo},  // NBSP before the colon
           {"Re\xCC\x81ponse automatique: Commande", ooo},         // decomposed é
           {"Respuesta automática: Pedido", ooo}, {"Fuera de la oficina", ooo},
           {"Risposta automatica: Ordine", ooo}, {"Fuori ufficio: Ordine", ooo},
           {"Automatisch antwoord: Offerte", ooo}, {"Afwezig: Bestelling", ooo},
           {"Resposta automática: Encomenda", ooo}, {"Ausência temporária: x", ooo},
           {"Autosvar: Beställning", ooo}, {"Automatiskt svar: x", ooo},
           {"Automatisk svar: Tilbud", ooo}, {"Fravær: x", ooo}, {"Fraværende: Ordre", ooo},
           {"Automaattinen vastaus: Tarjous", ooo}, {"Poissa: x", ooo},
           {"Odpowiedź automatyczna: Zamówienie", ooo}, {"Automatyczna odpowiedź: x", ooo},
           {"Nieobecność: x", ooo}, {"[EXTERNAL] Automatic reply: x", ooo},
           {"[Auto-Reply] Re: Quote", ar}, {"[Out of Office] x", ooo}, {"  Autosvar :x", ooo},
           {"Undeliverable: Samples", b}, {"Undelivered Mail Returned to Sender", b},
           {"Delivery Status Notification (Failure)", b}, {"Unzustellbar: x", b},
           {"Mail delivery failed: returning message to sender", b}}) {
    CHECK_MESSAGE(automated_subject_label(c.subject) == c.kind, c.subject);
  }
  for (const char* subject :
       {"Re: Auto parts order", "Auto parts order", "Automated invoice question", "Automatic umbrella won't open",
        "Out of office chairs for our terrace", "Out of stock?", "Re: Automatic reply: Order 4413",
        "Fwd: Undeliverable: my mail", "Auto", "Autos: x", "Absent le 12 mai : livrer le 13 ?",
        "Vacation home order", "Automatisch", "AW: Automatische Antwort: x", "[EXTERNAL] Order 12",
        "Undeliverable address?", ""})
    CHECK_MESSAGE(automated_subject_label(subject) == MailKind::kHuman, subject);
}

TEST_CASE("automated text: absence statements and auto-reply formulas are weak signals") {
  CHECK(signals("I'm away until Monday", "") == 1);
  CHECK(signals("I\xE2\x80\x99m away until Monday", "") == 1);  // curly apostrophe
  CHECK(signals("I'm away until Monday - can you deliver Tuesday?", "") == 0);
  CHECK(signals("Re: I'm away until Monday", "") == 0);
  CHECK(signals("Abwesend bis 12.05.", "") == 1);
  CHECK(signals("Hello", "I am out of the office until Monday. Could you deliver Tuesday?") == 1);
  CHECK(signals("Hello", "I am out of the office until 3 May with limited access to email.") == 2);
  CHECK(signals("I'm away until Monday", "Hi! I'm away until Monday and will reply when I'm back.") == 3);
  CHECK(signals("x", "Ich bin bis 25.04. nicht im Büro. Nach meiner Rückkehr melde ich mich.") == 2);
  CHECK(signals("x", "Olen lomalla 5.5. asti. Vastaan viestiisi palattuani.") == 2);
  CHECK(signals("x", "Jestem na urlopie do 30 kwietnia. Odpowiem po powrocie.") == 2);
  // Later in a long mail an absence note is not an opening.
  CHECK(signals("x", std::string(400, 'a') + " I will be on vacation from 1 May.") == 0);
  // Quoted text is not the mail's own.
  CHECK(signals("Re: x", "Thanks.\n> I am out of the office until Monday.\n> When I return I will reply.") == 0);
  bool declared = false;
  absence_signals("Re: Quote", "This is an automated response. We received your message.", declared);
  CHECK(declared);
  absence_signals("Re: Quote", "Why do I get this?\n\nOn Monday, Shop wrote:\n> This is an automated response.",
                  declared);
  CHECK_FALSE(declared);
}

TEST_CASE("automated text: the mail's own words, without quotes, attributions or HTML") {
  CHECK(own_text("Hello\n> quoted\nmore", 100) == "Hello\n");
  CHECK(own_text("Hi\nOn Mon, 1 Apr 2025, Ann wrote:\nold", 100) == "Hi\n");
  CHECK(own_text("Hi\n-----Original Message-----\nFrom: x", 100) == "Hi\n");
  CHECK(own_text("Hallo\nAm 1. April schrieb Ann:\nalt", 100) == "Hallo\n");
  CHECK(own_text("<html><body><div>Hello,</div><div>I&rsquo;m away.</div></body></html>", 100) ==
        "Hello,\nI'm away.\n");
  CHECK(own_text(std::string(5000, 'x'), 100).size() == 100);
}

TEST_CASE("automated text: classify_mail asks headers first, then what the mail says") {
  CHECK(classify("Autosvar: Beställning") == MailKind::kOutOfOffice);
  CHECK(classify("Auto: order 12") == MailKind::kAutoReply);
  CHECK(classify("Thanks", "", "autoresponder@shop.example") == MailKind::kAutoReply);
  CHECK(classify("Re: Order", "Thank you for your message. I am on annual leave until 22 April. "
                              "For urgent matters please call the office.") == MailKind::kOutOfOffice);
  CHECK(classify("Re: Invoice", "This is an automated response to confirm we received your email.") ==
        MailKind::kAutoReply);
  CHECK(classify("Undeliverable: Quote", "could not be delivered") == MailKind::kBounce);
  // "Auto-Submitted: no" says a person wrote it: nothing else is asked.
  CHECK(classify("Auto: seat covers for my van", "", "ann@example.com", {{"Auto-Submitted", "no"}}) ==
        MailKind::kHuman);
  // Automated headers with an absence subject or body: out of office.
  CHECK(classify("Autosvar: x", "", "ann@example.com", {{"Auto-Submitted", "auto-replied"}}) ==
        MailKind::kOutOfOffice);
  CHECK(classify("Re: x", "", "ann@example.com", {{"Auto-Submitted", "auto-replied"}}) == MailKind::kAutoReply);
  // The near misses are people.
  for (const char* subject : {"Re: Auto parts order", "Automated invoice question", "Automatic umbrella won't open",
                              "I'm away until Monday, please deliver Tuesday", "Vacation home order"})
    CHECK_MESSAGE(classify(subject, "Please send the order to my office.") == MailKind::kHuman, subject);
  CHECK(classify("Delivery", "I am out of the office until Monday. Could the courier come Tuesday?") ==
        MailKind::kHuman);
  CHECK(classify("Cushions for our waiting room", "Price?", "autoparts@garage.example") == MailKind::kHuman);
}

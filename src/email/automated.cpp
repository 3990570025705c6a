// Automated mail without automated headers: sender mailbox names, subject labels and body
// formulas in English, German, French, Spanish, Italian, Dutch, Portuguese, Swedish,
// Norwegian, Danish, Finnish and Polish. Everything is compared casefolded and NFC-normalized,
// with typographic spaces and apostrophes made plain, on word boundaries.
#include "email/automated.h"

#include <glib.h>

#include <algorithm>
#include <string>
#include <vector>

#include "email/email_internal.h"

namespace switchboard::email_detail {
namespace {

// NFC, casefolded, NBSP / narrow NBSP as spaces, curly apostrophes and full-width colons plain,
// whitespace collapsed. ASCII text (most mail) takes a short path with the same result.
std::string fold(std::string_view s) {
  if (std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    std::string out;
    out.reserve(s.size());
    bool space = false;
    for (char c : s) {
      if (is_space(c)) {
        space = !out.empty();
        continue;
      }
      if (space) out += ' ';
      space = false;
      out += g_ascii_tolower(c);
    }
    return out;
  }
  std::string v = valid_utf8(s);
  gchar* nfc = g_utf8_normalize(v.data(), static_cast<gssize>(v.size()), G_NORMALIZE_NFC);
  if (nfc) {
    v = nfc;
    g_free(nfc);
  }
  v = casefold(v);
  static const std::pair<std::string_view, std::string_view> kPlain[] = {
      {"\xC2\xA0", " "}, {"\xE2\x80\xAF", " "}, {"\xE2\x80\x99", "'"}, {"\xE2\x80\x98", "'"},
      {"\xEF\xBC\x9A", ":"}};
  for (const auto& [from, to] : kPlain) {
    for (std::size_t pos = 0; (pos = v.find(from, pos)) != std::string::npos; pos += to.size())
      v.replace(pos, from.size(), to);
  }
  return collapse_whitespace(v);
}

bool letter_at(std::string_view s, std::size_t pos) {
  if (pos >= s.size()) return false;
  auto byte = static_cast<unsigned char>(s[pos]);
  if (byte < 0x80) return g_ascii_isalpha(static_cast<char>(byte));
  gunichar c = g_utf8_get_char_validated(s.data() + pos, static_cast<gssize>(s.size() - pos));
  return c != static_cast<gunichar>(-1) && c != static_cast<gunichar>(-2) && g_unichar_isalpha(c);
}

bool letter_before(std::string_view s, std::size_t pos) {
  if (pos == 0) return false;
  if (static_cast<unsigned char>(s[pos - 1]) < 0x80) return g_ascii_isalpha(s[pos - 1]);
  const char* prev = g_utf8_find_prev_char(s.data(), s.data() + pos);
  return prev && letter_at(s, static_cast<std::size_t>(prev - s.data()));
}

// Phrases, folded like the text, looked for as whole words: each word start of the text is
// compared only with the phrases beginning with its first byte.
class Phrases {
 public:
  Phrases(std::initializer_list<const char*> phrases) {
    for (const char* p : phrases) {
      std::string f = fold(p);
      if (!f.empty()) by_first_[static_cast<unsigned char>(f[0])].push_back(std::move(f));
    }
  }
  /// Whether `s` begins with one of the phrases.
  bool starts(std::string_view s) const { return !s.empty() && at(s, 0); }
  /// Whether one of the phrases occurs in `s`.
  bool in(std::string_view s) const {
    for (std::size_t pos = 0; pos < s.size(); ++pos)
      if (!by_first_[static_cast<unsigned char>(s[pos])].empty() && !letter_before(s, pos) &&
          at(s, pos))
        return true;
    return false;
  }

 private:
  bool at(std::string_view s, std::size_t pos) const {
    for (const auto& p : by_first_[static_cast<unsigned char>(s[pos])]) {
      if (p.size() > s.size() - pos || (p.size() > 1 && p[1] != s[pos + 1])) continue;
      if (s.compare(pos, p.size(), p) == 0 && !letter_at(s, pos + p.size())) return true;
    }
    return false;
  }
  std::vector<std::string> by_first_[256];
};

struct Label {
  std::string text;
  MailKind kind;
  bool whole;  // also when it is the whole subject
};

const std::vector<Label>& labels() {
  static const std::vector<Label> kLabels = [] {
    std::vector<Label> v;
    auto add = [&v](MailKind kind, bool whole, std::initializer_list<const char*> texts) {
      for (const char* t : texts) v.push_back({fold(t), kind, whole});
    };
    const MailKind ooo = MailKind::kOutOfOffice, auto_reply = MailKind::kAutoReply,
                   bounce = MailKind::kBounce;
    // Out-of-office notices (Outlook's "Automatic reply" is one, in every language).
    add(ooo, true,
        {"automatic reply", "out of office", "out of the office", "out of office reply",
         "out of office autoreply", "out of office auto reply", "vacation reply",
         "vacation response", "automatische antwort", "abwesenheitsnotiz", "réponse automatique",
         "message d'absence", "absence du bureau", "respuesta automática", "fuera de la oficina",
         "risposta automatica", "fuori sede", "fuori ufficio", "automatisch antwoord",
         "afwezigheidsmelding", "niet aanwezig", "resposta automática", "ausência temporária",
         "fora do escritório", "autosvar", "automatiskt svar", "automatisk svar",
         "automaattinen vastaus", "poissaoloilmoitus", "lomaviesti", "odpowiedź automatyczna",
         "automatyczna odpowiedź", "poza biurem"});
    add(ooo, false,
        {"abwesend", "abwesenheit", "absent", "absente", "ausente", "assente", "afwezig",
         "frånvaro", "frånvarande", "fravær", "fraværende", "poissa", "nieobecność"});
    // Other auto-responders.
    add(auto_reply, true,
        {"autoreply", "auto-reply", "auto reply", "auto response", "auto-response",
         "autoresponse", "automated response", "automatic response", "automated reply",
         "automatische rückantwort", "automatisch bericht", "automaattivastaus"});
    add(auto_reply, false, {"auto"});
    // Delivery failures that come without a delivery-status report.
    add(bounce, true,
        {"undelivered mail returned to sender", "delivery status notification (failure)",
         "failure notice", "mail delivery failed", "undeliverable mail", "returned mail"});
    add(bounce, false,
        {"undeliverable", "undelivered", "delivery failure", "unzustellbar", "non remis",
         "non distribuable", "no se puede entregar", "non recapitabile", "onbestelbaar",
         "não é possível entregar", "olevererbart", "kan ikke leveres", "kunne ikke leveres",
         "ei voitu toimittaa", "niedostarczalne"});
    // Longest first: "out of office reply:" before "out of office".
    std::stable_sort(v.begin(), v.end(),
                     [](const Label& a, const Label& b) { return a.text.size() > b.text.size(); });
    return v;
  }();
  return kLabels;
}

// The label opening `s`, followed by a colon (or ending `s` when whole labels are allowed).
MailKind label_at_start(std::string_view s, bool whole_only) {
  for (const Label& l : labels()) {
    if (s.compare(0, l.text.size(), l.text) != 0 || letter_at(s, l.text.size())) continue;
    std::string_view rest = s.substr(l.text.size());
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    bool colon = !rest.empty() && rest.front() == ':';
    if (whole_only ? rest.empty() : colon || (rest.empty() && l.whole)) return l.kind;
  }
  return MailKind::kHuman;
}

}  // namespace

MailKind automated_sender(std::string_view local_part) {
  static const std::vector<std::string> kAuto{"autoresponder", "autoresponders", "autoreply",
                                              "autoreplies", "autorespond", "autoresponse"};
  static const std::vector<std::string> kOoo{"outofoffice"};
  // Words of the local part: runs of ASCII letters. Two or three adjacent words also count
  // joined ("auto-reply", "out.of.office").
  std::vector<std::string> words;
  std::string word;
  for (char c : local_part) {
    if (g_ascii_isalpha(c)) {
      word += g_ascii_tolower(c);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  auto in = [](const std::vector<std::string>& list, const std::string& w) {
    return std::find(list.begin(), list.end(), w) != list.end();
  };
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string joined;
    for (std::size_t n = 0; n < 3 && i + n < words.size(); ++n) {
      joined += words[i + n];
      if (in(kAuto, joined)) return MailKind::kAutoReply;
      if (in(kOoo, joined)) return MailKind::kOutOfOffice;
    }
  }
  return MailKind::kHuman;
}

MailKind automated_subject_label(std::string_view subject) {
  std::string s = fold(subject);
  std::string_view v = s;
  // "[Auto-Reply]" is a label; "[EXTERNAL]" and other gateway tags are skipped.
  for (int i = 0; i < 3 && !v.empty() && v.front() == '['; ++i) {
    std::size_t close = v.find(']');
    if (close == std::string_view::npos || close > 60) break;
    std::string tag = trim(v.substr(1, close - 1));
    MailKind k = label_at_start(tag, /*whole_only=*/true);
    if (k == MailKind::kHuman) k = label_at_start(tag, false);
    if (k != MailKind::kHuman) return k;
    v.remove_prefix(close + 1);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  }
  return label_at_start(v, false);
}

std::string own_text(std::string_view text, std::size_t limit) {
  std::string plain;
  bool html = false;
  std::string_view head = text.substr(0, std::max<std::size_t>(limit * 2, 2048));
  for (std::string_view tag : {"<html", "<body", "<p", "<div", "<br"})
    html = html || head.find(tag) != std::string_view::npos;
  if (html) {
    // Block ends become line ends, other tags vanish, the common entities are decoded.
    std::size_t i = 0;
    while (i < text.size() && plain.size() < limit * 2) {
      if (text[i] == '<') {
        std::size_t close = text.find('>', i);
        if (close == std::string_view::npos) break;
        std::string tag = lower_ascii(text.substr(i + 1, std::min<std::size_t>(close - i - 1, 12)));
        if (tag.rfind("br", 0) == 0 || tag.rfind("/p", 0) == 0 || tag.rfind("/div", 0) == 0 ||
            tag.rfind("blockquote", 0) == 0)
          plain += tag.rfind("blockquote", 0) == 0 ? "\n> " : "\n";
        i = close + 1;
      } else if (text[i] == '&') {
        static const std::pair<std::string_view, std::string_view> kEntities[] = {
            {"&nbsp;", " "}, {"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&apos;", "'"},
            {"&rsquo;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}};
        bool done = false;
        for (const auto& [entity, value] : kEntities) {
          if (text.compare(i, entity.size(), entity) == 0) {
            plain += value;
            i += entity.size();
            done = true;
            break;
          }
        }
        if (!done) plain += text[i++];
      } else {
        plain += text[i++];
      }
    }
    text = plain;
  }
  // Cut at the first quoted line, attribution ("On ..., Ann wrote:", "Am ... schrieb Ann:") or
  // "-----Original Message-----" separator.
  static const Phrases kVerbs(
      {"wrote", "schrieb", "a écrit", "escribió", "ha scritto", "schreef", "escreveu", "skrev",
       "kirjoitti", "napisał", "napisała", "napisał(a)"});
  static const Phrases kSeparators(
      {"original message", "ursprüngliche nachricht", "message d'origine", "mensaje original",
       "messaggio originale", "oorspronkelijk bericht", "mensagem original",
       "ursprungligt meddelande", "opprinnelig melding", "oprindelig meddelelse",
       "alkuperäinen viesti", "oryginalna wiadomość"});
  std::string out;
  std::size_t start = 0;
  while (start < text.size() && out.size() < limit) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    std::size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos && line[first] == '>') break;
    std::size_t last = line.find_last_not_of(" \t\r");
    if (last != std::string_view::npos && line[last] == ':' && kVerbs.in(fold(line))) break;
    if (line.find("---") != std::string_view::npos && kSeparators.in(fold(line))) break;
    out.append(line);
    out += '\n';
    start = end + 1;
  }
  if (out.size() > limit) out.resize(limit);
  return out;
}

int absence_signals(std::string_view subject, std::string_view body, bool& declared) {
  // Absence statements (subject openings and body openings).
  static const Phrases kSubjectAbsence({
      "i'm away", "i am away", "im away", "i'm out of office", "i am out of office",
      "i'm out of the office", "i am out of the office", "i'm on vacation", "i am on vacation",
      "i'm on holiday", "i am on holiday", "i'm on leave", "i am on leave", "out of office until",
      "out of the office until", "out of office from", "away until", "on vacation until",
      "on holiday until", "on leave until", "annual leave", "abwesend bis", "nicht im büro",
      "ich bin nicht im büro", "ich bin im urlaub", "im urlaub bis", "urlaub bis",
      "absent jusqu", "absente jusqu", "absent du", "absente du", "je suis absent",
      "je suis absente", "en congé", "en congés", "en vacances", "estoy fuera", "ausente hasta",
      "de vacaciones hasta", "estoy de vacaciones", "sono fuori", "assente fino", "in ferie fino",
      "sono in ferie", "afwezig tot", "afwezig van", "ik ben afwezig", "met vakantie",
      "ik ben met vakantie", "niet op kantoor", "ausente até", "estou ausente", "de férias até",
      "estou de férias", "på semester", "jag är på semester", "jag är ledig", "ledig till",
      "på ferie", "jeg er på ferie", "ikke på kontoret", "lomalla", "olen lomalla",
      "poissa toimistolta", "jestem na urlopie", "na urlopie do", "nieobecny do",
      "nieobecna do", "poza biurem do"});
  static const Phrases kBodyAbsence({
      "out of the office", "out of office", "away from the office", "away from my desk",
      "on vacation", "on holiday", "on annual leave", "on leave", "on parental leave",
      "on maternity leave", "i'm away", "i am away", "currently away", "not in the office",
      "away until", "nicht im büro", "außer haus", "im urlaub", "abwesend", "nicht erreichbar",
      "in elternzeit", "absent du bureau", "absente du bureau", "je suis absent",
      "je suis absente", "absent(e)", "en congé", "en congés", "en vacances", "absent jusqu",
      "absente jusqu", "fuera de la oficina", "de vacaciones", "ausente", "fuori ufficio",
      "fuori sede", "in ferie", "assente", "afwezig", "met vakantie", "niet op kantoor",
      "niet aanwezig", "fora do escritório", "de férias", "em férias", "på semester",
      "frånvarande", "ledig", "inte på kontoret", "tjänstledig", "på ferie", "fraværende",
      "ikke på kontoret", "på barsel", "lomalla", "vuosilomalla", "poissa toimistolta", "poissa",
      "na urlopie", "poza biurem", "nieobecny", "nieobecna", "poza firmą"});
  // What auto-replies go on to say: when they will answer, whom to ask meanwhile.
  static const Phrases kCloser({
      "when i return", "upon my return", "on my return", "after my return", "when i'm back",
      "when i am back", "limited access to email", "limited access to e-mail",
      "limited access to my email", "no access to email", "no access to my email",
      "for urgent matters", "for urgent enquiries", "for urgent inquiries", "for urgent requests",
      "in urgent cases", "if your matter is urgent", "if it is urgent", "nach meiner rückkehr",
      "in dringenden fällen", "eingeschränkten zugriff", "keinen zugriff", "wieder erreichbar",
      "dès mon retour", "à mon retour", "pour toute urgence", "en cas d'urgence",
      "a mi regreso", "a mi vuelta", "en caso de urgencia", "para asuntos urgentes",
      "al mio rientro", "al mio ritorno", "per urgenze", "in caso di urgenza",
      "na mijn terugkomst", "bij terugkomst", "na terugkomst", "voor dringende zaken",
      "in dringende gevallen", "quando regressar", "assim que regressar", "no meu regresso",
      "quando voltar", "em caso de urgência", "när jag är tillbaka", "när jag kommer tillbaka",
      "i brådskande ärenden", "vid brådskande ärenden", "når jeg er tilbake",
      "når jeg kommer tilbake", "i hastesaker", "ved hastesaker", "når jeg er tilbage",
      "når jeg kommer tilbage", "i hastende tilfælde", "i presserende tilfælde", "palattuani",
      "kun palaan", "kiireellisissä asioissa", "kiireellisissä tapauksissa", "po powrocie",
      "po moim powrocie", "w pilnych sprawach", "w sprawach pilnych"});
  // Bodies that say what they are.
  static const Phrases kDeclared({
      "this is an automated response", "this is an automated reply",
      "this is an automated message", "this is an automatic reply",
      "this is an automatic response", "this is an automatic message", "this is an auto-reply",
      "this is an autoreply", "this message was sent automatically",
      "this email was sent automatically", "this is an automatically generated",
      "this message was generated automatically", "dies ist eine automatische antwort",
      "dies ist eine automatisch generierte", "diese nachricht wurde automatisch",
      "ceci est une réponse automatique", "ceci est un message automatique",
      "ce message a été envoyé automatiquement", "esta es una respuesta automática",
      "este es un mensaje automático", "este mensaje ha sido generado automáticamente",
      "questa è una risposta automatica", "questo è un messaggio automatico",
      "dit is een automatisch antwoord", "dit is een automatisch bericht",
      "dit is een automatisch gegenereerd", "esta é uma resposta automática",
      "esta é uma mensagem automática", "detta är ett automatiskt svar",
      "detta är ett automatiskt meddelande", "detta är ett autosvar",
      "dette er et automatisk svar", "dette er en automatisk melding",
      "dette er en automatisk besked", "tämä on automaattinen vastaus",
      "tämä on automaattinen viesti", "tämä viesti on lähetetty automaattisesti",
      "to jest automatyczna odpowiedź", "to jest wiadomość automatyczna",
      "ta wiadomość została wygenerowana automatycznie"});

  int signals = 0;
  std::string s = fold(subject);
  if (s.find('?') == std::string::npos && kSubjectAbsence.starts(s)) ++signals;
  std::string text = own_text(body, 1600);
  // A cut inside a UTF-8 sequence only loses that character.
  std::string opening = fold(std::string_view(text).substr(0, 400));
  if (opening.size() > 320) opening.resize(320);
  if (kBodyAbsence.in(opening)) ++signals;
  declared = kDeclared.in(opening);
  // Alone the formula decides nothing: it is looked for only next to another signal.
  if ((signals > 0 || declared) && kCloser.in(fold(text))) ++signals;
  return signals;
}

}  // namespace switchboard::email_detail

"""The confidentiality guard's rules: find client-identifying details in a text (pure: no
Flask, no database).

Built on presidio-analyzer (pattern recognizers, context words) over a spaCy pipeline that
needs no download (spacy.blank("en")), or over a spaCy model the operator installed and named;
phone numbers come from the phonenumbers library. No other module knows these rules.
"""
import logging
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
import regex
import spacy
from presidio_analyzer import (
    AnalysisExplanation, AnalyzerEngine, EntityRecognizer, Pattern, PatternRecognizer,
    RecognizerRegistry, RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine

# kind: (explanation shown to the coach, neutral stand-in)
KINDS = {
    "client_name": ("looks like a client's name", "Client {letter}"),
    "email": ("email address", "[email]"),
    "phone": ("phone number", "[phone]"),
    "address": ("street address", "[address]"),
    "postcode": ("postcode", "[postcode]"),
    "profile": ("link to a personal social-media profile", "[profile link]"),
    "birth_date": ("date of birth", "[date of birth]"),
    "id_number": ("looks like an ID or account number", "[ID number]"),
    "employer": ("employer or school named together with a role", "[employer]"),
    "age": ("a specific age together with a job and a place", "[age]"),
    "place": ("a town named together with other details about the client", "[town]"),
    "term": ("a name this community asked to keep out of posts", "[organisation]"),
}
DIRECT = ("email", "phone", "address", "postcode", "profile", "birth_date", "id_number", "term")
INDIRECT = ("client_name", "employer", "age", "place")
THRESHOLD = 0.4  # pattern scores below it count only when context words lift them
FLAGS = regex.MULTILINE | regex.VERSION0  # case matters: names and places are capitalised

CLIENT_WORDS = r"(?i:clients?|coachees?|mentees?|supervisees?|customers?|patients?)"
ROLES = (
    r"(?i:nurses?|doctors?|GPs?|teachers?|headteachers?|head\s+teachers?|managers?|directors?|"
    r"engineers?|lawyers?|solicitors?|accountants?|consultants?|developers?|CEO|CFO|CTO|COO|"
    r"partners?|analysts?|officers?|administrators?|pupils?|students?|lecturers?|professors?|"
    r"researchers?|supervisors?|executives?|founders?|owners?|designers?|paramedics?|"
    r"pharmacists?|surgeons?|midwives|midwife|principals?|VP|chefs?|clerks?|receptionists?|"
    r"team\s+leaders?|team\s+leads?|head\s+of\s+\w+|social\s+workers?|police\s+officers?|"
    r"firefighters?|architects?|programmers?|scientists?|vicar|priest|pastor|physiotherapists?|"
    r"therapists?|dentists?|vets?|psychologists?|sales\s+reps?|HR\s+\w+|works?|working|worked|"
    r"employed|job)"
)
CAP_WORD = r"[A-Z][a-zà-ÿ]+(?:[-'’][A-Z]?[a-zà-ÿ]+)?"
NOT_A_NAME = (
    r"(?!(?:I|The|This|That|These|Those|And|But|So|Then|When|What|Who|Why|How|Where|After|"
    r"Before|During|Last|Next|Today|Yesterday|Tomorrow|Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Easter|Christmas|Ramadan|Diwali|Hanukkah|Eid|Here|There|We|She|He|They|"
    r"It|My|Our|Their|His|Her|In|On|At|For|With|From|If|As|Because|Although|While|Once|Again|"
    r"Also|Just|Still|Some|Many|Most|One|Two|Three|Every|Each|All|No|Not|Yes|Now|Later|Mr|Mrs|"
    r"Ms|Dr|Miss|Client|Coachee|Person|Someone|Colleague)\b)"
)
NAME = rf"(?=[A-Z]){NOT_A_NAME}{CAP_WORD}(?:\s+{NOT_A_NAME}{CAP_WORD})?"  # cheap check first
TITLED_NAME = rf"(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+)?{NAME}"
ORG = (
    r"(?!(?:Easter|Christmas|Ramadan|Diwali|Eid|Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Heart|Times|Work|Home|First|Last|Least|Most)\b)"
    r"(?:St\.?\s+)?[A-Z][\w'’&.-]*[\w'’]"
    r"(?:\s+(?:of\s+|&\s+|and\s+|for\s+)?[A-Z][\w'’&.-]*[\w'’]){0,4}"
)
MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
         r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
SOCIAL = (r"(?:linkedin\.com/in|facebook\.com|fb\.com|instagram\.com|twitter\.com|x\.com|"
          r"tiktok\.com/@|xing\.com/profile|github\.com|threads\.net/@|bsky\.app/profile|"
          r"mastodon\.social/@|youtube\.com/@)")
US_STATES = ("AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|"
             "NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC")
STREET = (r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Way|Place|Crescent|Court|"
          r"Terrace|Gardens|Boulevard|Blvd|Grove|Square|Row|Hill|Mews|Walk)")
# Authors and coaching models: a would-be client name or employer that is one of these full
# names, one of their surnames, or a model's name is not flagged (a first name alone still is).
AUTHORS = (
    "Carl Rogers", "John Whitmore", "Timothy Gallwey", "Nancy Kline", "Myles Downey",
    "Peter Hawkins", "Robert Kegan", "Lisa Lahey", "Gerard Egan", "Stephen Covey",
    "Daniel Goleman", "Martin Seligman", "Abraham Maslow", "Carol Dweck", "Brené Brown",
    "Brene Brown", "Edgar Schein", "David Kolb", "Daniel Kahneman", "Michael Bungay Stanier",
    "Julie Starr", "David Clutterbuck", "Jonathan Passmore", "Marshall Goldsmith",
    "Milton Erickson", "Virginia Satir", "Richard Bandler", "John Grinder", "Fritz Perls",
    "Steve Peters", "Viktor Frankl", "Mihaly Csikszentmihalyi", "Amy Edmondson",
    "Elisabeth Kübler-Ross", "William Bridges", "John Kotter", "Robert Dilts", "Simon Sinek",
    "Patrick Lencioni", "Peter Drucker", "Bruce Tuckman", "Stephen Karpman", "Meredith Belbin",
    "Carl Jung", "Sigmund Freud", "Alfred Adler", "Eric Berne", "Socrates",
)
MODELS = ("GROW", "OSKAR", "CLEAR", "PERMA", "OSCAR", "STEPPA", "ACHIEVE", "Johari", "Karpman",
          "Tuckman", "Belbin", "Thomas Kilmann", "Myers Briggs", "Kilmann", "Immunity to Change")
KNOWN_NAMES = frozenset(
    [name.casefold() for name in AUTHORS + MODELS]
    + [name.split()[-1].casefold() for name in AUTHORS])


@dataclass(frozen=True)
class Finding:
    """One detail that may identify a client: where it is, what kind, why, and its stand-in."""

    start: int
    end: int
    kind: str
    text: str
    explanation: str
    suggestion: str

    def as_json(self):
        """The finding as the API and the typing check answer it (never the text itself)."""
        return {"start": self.start, "end": self.end, "kind": self.kind,
                "suggestion": self.suggestion, "explanation": self.explanation}


def _pattern(entity, name, expression, score, context=None):
    """A presidio pattern recognizer for one rule, case-sensitive unless the rule says (?i:)."""
    return PatternRecognizer(supported_entity=entity, name=name, context=context,
                             patterns=[Pattern(name, expression, score)],
                             global_regex_flags=FLAGS)


class PhoneRecognizer(EntityRecognizer):
    """Phone numbers in international and national formats (the phonenumbers library)."""

    REGIONS = ("GB", "US", "DE", "FR", "IE", "NL", "AU")

    def __init__(self):
        super().__init__(supported_entities=["PHONE"], name="phone", context=[
            "call", "phone", "mobile", "number", "ring", "text", "reach", "tel", "whatsapp"])

    def load(self):
        """Nothing to load: phonenumbers' metadata ships with the package."""

    def analyze(self, text, entities, nlp_artifacts=None):
        """Each digit run that phonenumbers parses as a number for one of the regions: valid ones
        count, and so do possible ones written like a phone number (a leading 0, + or bracket,
        like the reserved 07700 900xxx range) or with a context word such as "call"."""
        results = []
        for match in CANDIDATE.finditer(text):
            candidate = match.group()
            digits = sum(ch.isdigit() for ch in candidate)
            if digits < 7 or DATE_LIKE.fullmatch(candidate):
                continue
            score = _phone_score(candidate)
            if score:
                results.append(_result(self, "PHONE", match.start(), match.end(), score))
        return results


def _result(recognizer, entity, start, end, score):
    """A presidio result with the explanation its context enhancer expects."""
    return RecognizerResult(entity, start, end, score, analysis_explanation=AnalysisExplanation(
        recognizer=recognizer.name, original_score=score), recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id})


DATE_LIKE = regex.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
CANDIDATE = regex.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s().\-/]{5,18}\d(?!\w)")


def _phone_score(candidate):
    """0.8 for a valid number, 0.6 for a possible one dialled like a phone number (07700 900xxx
    is reserved for drama, so not "valid"), 0.3 for a possible one (needs a context word), else
    0: up to nine digits without a trunk or country prefix are more likely an ID or a count."""
    digits = sum(ch.isdigit() for ch in candidate)
    dialled = candidate[0] in "+0("
    if not dialled and digits < 10:
        return 0
    possible = False
    for region in PhoneRecognizer.REGIONS:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            return 0
        if phonenumbers.is_valid_number(number):
            return 0.8
        possible = possible or phonenumbers.is_possible_number(number)
    if not possible:
        return 0
    return 0.6 if dialled and digits >= 10 else 0.3


class ModelPersonRecognizer(EntityRecognizer):
    """With an operator's spaCy NER model: a PERSON named right after a client word."""

    def __init__(self):
        super().__init__(supported_entities=["CLIENT_NAME"], name="model_person")

    def load(self):
        """The model is loaded by the NLP engine."""

    def analyze(self, text, entities, nlp_artifacts=None):
        """PERSON entities whose preceding words mention a client or coachee."""
        results = []
        for entity in getattr(nlp_artifacts, "entities", None) or ():
            if entity.label_ != "PERSON":
                continue
            before = text[max(0, entity.start_char - 40):entity.start_char]
            if regex.search(CLIENT_WORDS + r"\W+(?:\w+\W+){0,3}$", before):
                results.append(_result(self, "CLIENT_NAME", entity.start_char, entity.end_char,
                                       0.7))
        return results


CLIENT_LEAD = (
    rf"(?:\b(?i:my|our|a|the|this|new|one)\s+"
    rf"(?:(?i:former|new|current|young|male|female|first|latest)\s+)?{CLIENT_WORDS}"
    rf"(?:\s*,|\s+(?i:called|named|is|was)|\s*[-–:])?\s+)"
)
DATE = (
    rf"(?:\b\d{{1,2}}[./-]\d{{1,2}}[./-](?:19|20)?\d{{2}}\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH}\.?,?\s+(?:19|20)\d{{2}}\b"
    rf"|\b{MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}\b"
    rf"|\b(?:19|20)\d{{2}}-\d{{2}}-\d{{2}}\b)"
)
AGE = (r"(?:\b\d{2}[-\s](?i:years?[-\s]old)\b|\b(?i:aged)\s+\d{2}\b"
       r"|(?<=\(\s*)\d{2}(?=\s*,))")
ID_CONTEXT = ["id", "number", "no", "passport", "account", "employee", "patient", "customer",
              "membership", "reference", "ref", "licence", "license", "insurance", "nhs", "ssn",
              "tax", "staff", "student", "badge"]
# (presidio entity, rule name, pattern, score, context words that lift a weak score)
RULES = [
    ("EMAIL", "email", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b", 0.9, None),
    ("PROFILE", "profile", rf"(?i:\b(?:https?://)?(?:www\.|[a-z]{{2}}\.)?{SOCIAL}/?[\w.%-]+/?)",
     0.9, None),
    ("ADDRESS", "street", rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:{CAP_WORD}\s+){{1,3}}{STREET}\b\.?",
     0.7, None),
    ("ADDRESS", "strasse", r"\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|weg|gasse|platz|allee|ring|"
     r"damm)\s+\d{1,4}[a-z]?\b", 0.7, None),
    ("POSTCODE", "uk_postcode", r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}\b", 0.7, None),
    ("POSTCODE", "us_zip", rf"\b(?:{US_STATES})\s+\d{{5}}(?:-\d{{4}})?\b", 0.7, None),
    ("POSTCODE", "bare_zip", r"\b\d{5}(?:-\d{4})?\b", 0.1,
     ["zip", "postcode", "address", "live", "lives", "living"]),
    ("POSTCODE", "de_plz", r"\b\d{5}\s+(?!Euro|Dollar|Pfund|Pound)[A-ZÄÖÜ][a-zäöüß]+\b", 0.6, None),
    ("BIRTH_DATE", "birth_date", DATE, 0.2, ["born", "birth", "birthday", "dob", "d.o.b", "b."]),
    ("ID_NUMBER", "uk_nino",
     r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", 0.8, None),
    ("ID_NUMBER", "us_ssn", r"\b\d{3}-\d{2}-\d{4}\b", 0.8, None),
    ("ID_NUMBER", "iban", r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b", 0.8,
     None),
    ("ID_NUMBER", "nhs", r"\b\d{3}\s\d{3}\s\d{4}\b", 0.3, ["nhs", "number", "patient", "id"]),
    ("ID_NUMBER", "long_number", r"\b(?:[A-Z]{1,3}-?)?\d{7,12}\b", 0.3, ID_CONTEXT),
    ("ID_NUMBER", "document_number",
     r"\b(?=[A-Z0-9]*\d[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{7,12}\b", 0.3,
     ["passport", "id", "licence", "license", "number", "card", "document"]),
    ("CLIENT_NAME", "client_intro", rf"(?=[A-Z])(?<={CLIENT_LEAD}){TITLED_NAME}\b(?![-'’]\w)", 0.8, None),
    ("CLIENT_NAME", "name_then_client",
     rf"\b{NAME}(?=,\s+(?i:my|a|one\s+of\s+my|our)\s+(?:\w+\s+)?{CLIENT_WORDS}\b)", 0.7, None),
    ("CLIENT_NAME", "name_with_age", rf"\b{NAME}(?=\s*\(\s*\d{{2}}\s*[,;)])", 0.7, None),
    ("CLIENT_NAME", "coaching_name",
     rf"(?<=\b(?i:coaching|coached|coach|sessions?\s+with|working\s+with|worked\s+with|"
     rf"met\s+with|meeting\s+with|supervising)\s+){NAME}\b(?![-'’]\w)(?!['’]s?\s)", 0.6, None),
    ("EMPLOYER", "role_at", rf"(?=[A-Z])(?<=\b{ROLES}\s+(?i:at|for|with|in)\s+(?:the\s+)?){ORG}", 0.7,
     None),
    ("AGE", "age_role", rf"{AGE}(?=[^.!?\n]{{0,60}}\b{ROLES}\b)"
     rf"(?=[^.!?\n]{{0,100}}\b(?i:in|from|at|near)\s+[A-Z])", 0.7, None),
]


def _recognizers(terms):
    """The guard's rules as presidio recognizers (one per rule), plus the community's terms."""
    rules = [_pattern(entity, name, expression, score, context)
             for entity, name, expression, score, context in RULES]
    if terms:
        rules.append(PatternRecognizer(
            supported_entity="TERM", name="community_terms", deny_list=list(terms),
            global_regex_flags=regex.IGNORECASE | regex.MULTILINE))
    return rules


class OfflineSpacyNlpEngine(SpacyNlpEngine):
    """presidio's spaCy engine that never downloads: the named model if installed, else a blank
    English pipeline (tokens only)."""

    def __init__(self, model_name=None):
        super().__init__(models=[{"lang_code": "en", "model_name": model_name or "blank"}])
        self.model_name = model_name

    def load(self):
        """Load the operator's model when it is installed; tokens only (spacy.blank) otherwise."""
        installed = self.model_name and spacy.util.is_package(self.model_name)
        self.nlp = {"en": spacy.load(self.model_name) if installed else spacy.blank("en")}

    def _doc_to_nlp_artifact(self, doc, language):
        """Artifacts built in one pass over the tokens: their texts (all presidio's context
        enhancer reads), and lemmas that fall back to the lower-cased word (a blank pipeline
        has no lemmatizer), so context words still match."""
        tokens = [(token.idx, token.text, token.lemma_ or token.lower_) for token in doc]
        ents = list(doc.ents)
        return NlpArtifacts(entities=ents, tokens=[text for _, text, _ in tokens],
                            tokens_indices=[idx for idx, _, _ in tokens],
                            lemmas=[lemma for _, _, lemma in tokens], nlp_engine=self,
                            language=language, scores=[0.85] * len(ents))


class StandIns:
    """Neutral stand-ins, consistent across texts: the same client name gets the same letter."""

    def __init__(self):
        self.letters = {}
        self.names = set()  # client names as written, to find their other mentions

    def for_name(self, name):
        """ "Client A" for the first name seen, "Client B" for the next; a first name alone
        reuses the letter of the full name it starts."""
        key = " ".join(name.split()).casefold()
        for known, letter in self.letters.items():
            if key == known or known.split()[0] == key or key.split()[0] == known:
                return letter
        letter = f"Client {chr(ord('A') + len(self.letters) % 26)}"
        self.letters[key] = letter
        return letter


class Detector:
    """The guard: scan(text) lists what may identify a client, with explanations and stand-ins."""

    def __init__(self, terms=(), spacy_model=None):
        # presidio logs the words around each finding at DEBUG: a redacted original must never
        # reach a log, so its logger stays at WARNING whatever the host's logging says.
        logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
        nlp_engine = OfflineSpacyNlpEngine(spacy_model)
        recognizers = _recognizers(terms)
        if spacy_model and spacy.util.is_package(spacy_model):
            recognizers.append(ModelPersonRecognizer())
        registry = RecognizerRegistry(recognizers=recognizers + [PhoneRecognizer()],
                                      supported_languages=["en"])
        self.analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine,
                                       supported_languages=["en"])

    def scan(self, text, stand_ins=None):
        """Findings in text order, overlaps resolved (stronger, then longer, wins)."""
        if not text or not text.strip():
            return []
        stand_ins = stand_ins or StandIns()
        results = self.analyzer.analyze(text=text, language="en", score_threshold=THRESHOLD,
                                        regex_flags=FLAGS)
        spans = [(r.start, r.end, r.entity_type.lower(), r.score) for r in results
                 if not _known_name(text[r.start:r.end], r.entity_type)]
        stand_ins.names |= {text[s:e] for s, e, kind, _ in spans if kind == "client_name"}
        spans += _repeated_names(text, stand_ins.names)
        spans += _places(text, spans)
        return [_finding(text, start, end, kind, stand_ins)
                for start, end, kind in _without_overlaps(spans)]

    def scan_fields(self, fields):
        """{field: findings} for several texts of one item, with stand-ins shared between them."""
        stand_ins = StandIns()
        for text in fields.values():  # first learn every client name, then find all mentions
            self.scan(text, stand_ins)
        return {name: self.scan(text, stand_ins) for name, text in fields.items()}


def _known_name(text, entity):
    """Whether a would-be client name or employer is an author or a coaching model."""
    return entity in ("CLIENT_NAME", "EMPLOYER") and (
        " ".join(text.split()).strip("'’.").casefold() in KNOWN_NAMES)


def _repeated_names(text, names):
    """Every other mention of a client's name (full, or its first name alone) is flagged too."""
    words = {part for name in names for part in (name, name.split()[-1 if name.split()[0]
             in ("Mr", "Mrs", "Ms", "Miss", "Dr", "Prof", "Mr.", "Mrs.", "Ms.", "Dr.") else 0])}
    if not words:
        return []
    expression = regex.compile(r"\b(?:" + "|".join(regex.escape(w) for w in sorted(
        words, key=len, reverse=True)) + r")\b")
    return [(m.start(), m.end(), "client_name", 0.6) for m in expression.finditer(text)]


PLACE = regex.compile(rf"\b(?:in|from|near|lives\s+in|based\s+in)\s+({NOT_A_NAME}{ORG})", FLAGS)


def _places(text, spans):
    """A town after in/from/near, in a sentence that already says something about the client."""
    indirect = [(start, end) for start, end, kind, _ in spans if kind in INDIRECT]
    if not indirect:
        return []
    found = []
    for sentence in regex.finditer(r"[^.!?\n]+(?:[.!?]+|$)", text):
        if not any(sentence.start() <= start < sentence.end() for start, _ in indirect):
            continue
        for match in PLACE.finditer(sentence.group()):
            if match.group(1).casefold() not in KNOWN_NAMES:
                found.append((sentence.start() + match.start(1), sentence.start() + match.end(1),
                              "place", 0.5))
    return found


def _without_overlaps(spans):
    """Keep the strongest (then longest) of overlapping spans, in text order."""
    kept = []
    for start, end, kind, _ in sorted(spans, key=lambda s: (-s[3], s[0] - s[1], s[0])):
        if all(end <= k_start or start >= k_end for k_start, k_end, _ in kept):
            kept.append((start, end, kind))
    return sorted(kept)


def _finding(text, start, end, kind, stand_ins):
    """A Finding with its explanation and stand-in."""
    explanation, stand_in = KINDS[kind]
    original = text[start:end]
    if kind == "client_name":
        stand_in = stand_ins.for_name(regex.sub(r"^(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+", "", original))
    return Finding(start, end, kind, original, explanation, stand_in)


def redact(text, findings):
    """The text with each finding replaced by its stand-in."""
    for finding in sorted(findings, key=lambda f: f.start, reverse=True):
        text = text[:finding.start] + finding.suggestion + text[finding.end:]
    return text


@lru_cache(maxsize=8)
def detector(terms=(), spacy_model=None):
    """A shared Detector for these settings (building one loads spaCy: about a second)."""
    return Detector(tuple(terms), spacy_model)

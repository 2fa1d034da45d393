"""The confidentiality guard's rules, one by one: what each catches, what it leaves alone."""
import pytest

from forum.confidentiality import Detector, KINDS, detector, redact


def kinds(text, guard=None):
    """{(kind, flagged text)} the guard finds in a text."""
    return {(f.kind, f.text) for f in (guard or detector()).scan(text)}


@pytest.mark.parametrize("text, expected", [
    ("write to sarah.jones@acme.com today", ("email", "sarah.jones@acme.com")),
    ("her mobile is 07700 900123", ("phone", "07700 900123")),
    ("call +49 30 901820 tomorrow", ("phone", "+49 30 901820")),
    ("his office is (212) 736-5000", ("phone", "(212) 736-5000")),
    ("she lives at 14 Acacia Avenue now", ("address", "14 Acacia Avenue")),
    ("er wohnt in der Hauptstraße 12", ("address", "Hauptstraße 12")),
    ("the postcode is LS6 2AB", ("postcode", "LS6 2AB")),
    ("moved to Springfield, IL 62704", ("postcode", "IL 62704")),
    ("sie zog nach 80331 München", ("postcode", "80331 München")),
    ("see linkedin.com/in/sarah-jones for her CV", ("profile", "linkedin.com/in/sarah-jones")),
    ("she was born on 3 March 1984", ("birth_date", "3 March 1984")),
    ("NI number JK 12 34 56 C", ("id_number", "JK 12 34 56 C")),
    ("his SSN is 078-05-1120", ("id_number", "078-05-1120")),
    ("employee number 40071234", ("id_number", "40071234")),
])
def test_direct_identifiers(text, expected):
    assert expected in kinds(text)


@pytest.mark.parametrize("text, expected", [
    ("my client Sarah is stuck", ("client_name", "Sarah")),
    ("a coachee called Tom Becker", ("client_name", "Tom Becker")),
    ("Sarah (42, nurse at St Mary's) feels stuck", ("client_name", "Sarah")),
    ("Jonas, a client of mine, called", ("client_name", "Jonas")),
    ("I am coaching Marcus through it", ("client_name", "Marcus")),
    ("she is a nurse at St Mary's", ("employer", "St Mary's")),
    ("he works at Siemens in sales", ("employer", "Siemens")),
    ("a pupil at Greenfield Academy", ("employer", "Greenfield Academy")),
    ("a 42-year-old accountant from Bristol", ("age", "42-year-old")),
    ("a 42-year-old accountant from Bristol", ("place", "Bristol")),
])
def test_indirect_identifiers_in_a_client_context(text, expected):
    assert expected in kinds(text)


@pytest.mark.parametrize("text", [
    "Carl Rogers' person-centred approach",
    "I use the GROW model",
    "We paused at Easter",
    "in London last year at a conference",
    "Working with GROW in a team",
    "I was coaching with Nancy Kline's ten components in mind",
    "The session on 12/03/2024 went well",  # a date without "born" is no date of birth
    "In 2019 I ran 10000 sessions",  # a bare five-digit number is no zip code
    "a 42-year-old client",  # an age alone identifies nobody
    "a manager at the time",
    "Client A said she felt heard",  # a stand-in is not a name
])
def test_clean_coaching_language_is_left_alone(text):
    assert kinds(text) == set()


def test_context_words_turn_a_plain_date_or_number_into_an_identifier():
    assert kinds("we met on 12/07/1979") == set()
    assert ("birth_date", "12/07/1979") in kinds("his date of birth is 12/07/1979")
    assert kinds("we had 88421907 views") == set()
    assert ("id_number", "88421907") in kinds("customer reference 88421907")


def test_every_finding_explains_itself_and_suggests_a_stand_in():
    text = "my client Sarah Jones (sarah.jones@acme.com, 07700 900123), a nurse at St Mary's in Leeds"
    findings = detector().scan(text)
    assert [(f.kind, f.explanation, f.suggestion) for f in findings] == [
        ("client_name", "looks like a client's name", "Client A"),
        ("email", KINDS["email"][0], "[email]"),
        ("phone", "phone number", "[phone]"),
        ("employer", KINDS["employer"][0], "[employer]"),
        ("place", KINDS["place"][0], "[town]"),
    ]
    assert all(text[f.start:f.end] == f.text for f in findings)
    assert redact(text, findings) == (
        "my client Client A ([email], [phone]), a nurse at [employer] in [town]")


def test_the_same_name_gets_the_same_stand_in_everywhere():
    text = ("My client Sarah Jones met my coachee Tom Becker. Later Sarah said Tom was right, "
            "and Sarah Jones laughed.")
    findings = detector().scan(text)
    assert redact(text, findings) == ("My client Client A met my coachee Client B. Later Client A "
                                      "said Client B was right, and Client A laughed.")


def test_stand_ins_are_shared_across_the_fields_of_one_item():
    found = detector().scan_fields({"title": "How do I help my client Priya?",
                                    "lead": "My coachee Ben and Priya both..."})
    assert [f.suggestion for f in found["title"]] == ["Client A"]
    assert [f.suggestion for f in found["lead"]] == ["Client B", "Client A"]


def test_a_community_term_is_flagged_whatever_its_case():
    guard = Detector(terms=("Northwind Traders",))
    assert ("term", "northwind traders") in kinds("she left northwind traders", guard)
    assert kinds("she left northwind traders") == set()


def test_a_spacy_model_that_is_not_installed_is_not_downloaded(monkeypatch):
    import spacy.cli

    monkeypatch.setattr(spacy.cli, "download", lambda *a, **k: pytest.fail("downloaded"))
    guard = Detector(spacy_model="en_core_web_sm_not_installed")
    assert ("email", "a@b.org") in kinds("mail a@b.org", guard)


def test_an_installed_spacy_model_adds_client_names_its_ner_finds(monkeypatch):
    import spacy

    def fake_model(name):
        """A pipeline whose entity ruler stands in for a trained NER model."""
        nlp = spacy.blank("en")
        nlp.add_pipe("entity_ruler").add_patterns(
            [{"label": "PERSON", "pattern": [{"LOWER": "anna"}, {"LOWER": "schmidt"}]}])
        return nlp

    monkeypatch.setattr(spacy.util, "is_package", lambda name: name == "en_fake_ner")
    monkeypatch.setattr(spacy, "load", fake_model)
    text = "The client whose name is Anna Schmidt cancelled. Anna Schmidt wrote a book."
    assert kinds(text) == set()  # no rule of our own catches this phrasing
    found = kinds(text, Detector(spacy_model="en_fake_ner"))
    assert found == {("client_name", "Anna Schmidt")}
    assert [f.start for f in Detector(spacy_model="en_fake_ner").scan(text)] == [25, 49]

"""NO_LEGAL_BASIS, CONSENT_REQUIRED, PERSONAL_MAILBOX, LAWYER_UNVERIFIED, PURPOSE_NOT_STATED."""

from __future__ import annotations

from test_rules_kit import Mark, doc, message, person, run, vnr

CASE = "Dhr. Yonas Tekle (V-nr 2603390017) heeft een vertrektermijn."
MARKS = [person("Yonas Tekle"), vnr("2603390017")]


def test_no_legal_basis_for_a_partner_outside_the_senders_matrix_column() -> None:
    out = run(message("m.haddou@dtv.minvenj.nl", ["advies@veiligthuisbrabantnoord.nl"], CASE), MARKS)
    assert out.fired["NO_LEGAL_BASIS"] == "block"
    violation = out.of("NO_LEGAL_BASIS")[0]
    assert "De DT&V wisselt" in violation.message and "avg@dtv.minvenj.nl" in violation.message
    assert violation.source.startswith("Handreiking, hoofdstuk 2, Grondslag")
    assert out.suggested("remove_recipient")[0].details["address"] == "advies@veiligthuisbrabantnoord.nl"


def test_no_legal_basis_not_for_the_same_partner_in_coas_column() -> None:
    out = run(message("l.smit@coa.nl", ["advies@veiligthuisbrabantnoord.nl"], CASE), MARKS)
    assert "NO_LEGAL_BASIS" not in out.fired


def test_no_legal_basis_for_an_unknown_domain_and_a_lookalike() -> None:
    out = run(message("a@ind.nl", ["info@kinderopvang-zonnestraal.nl", "x@ind-nl.nl"], CASE), MARKS)
    messages = {v.recipients[0]: v.message for v in out.of("NO_LEGAL_BASIS")}
    assert messages["info@kinderopvang-zonnestraal.nl"].startswith("We herkennen")
    assert "ind-nl.nl lijkt op ind.nl" in messages["x@ind-nl.nl"]


def test_no_legal_basis_needs_personal_data() -> None:
    out = run(message("a@ind.nl", ["info@onbekend.nl"], "De vertrektermijn is vier weken."))
    assert out.fired == {}


def test_no_legal_basis_not_for_own_organisation_or_webmail() -> None:
    out = run(message("a@ind.nl", ["b@ind.nl", "x@gmail.com"], CASE), MARKS)
    assert "NO_LEGAL_BASIS" not in out.fired
    assert out.fired["PERSONAL_MAILBOX"] == "warn"


def test_no_legal_basis_without_sender_organisation_only_for_unknown() -> None:
    out = run(message("", ["advies@veiligthuisbrabantnoord.nl", "x@onbekend.nl"], CASE), MARKS)
    assert [v.recipients for v in out.of("NO_LEGAL_BASIS")] == [["x@onbekend.nl"]]


def test_consent_required_for_an_ngo_without_machtiging() -> None:
    out = run(message("a@ind.nl", ["juridisch@vluchtelingenwerk.nl"], CASE), MARKS)
    assert out.fired["CONSENT_REQUIRED"] == "block"
    assert out.of("CONSENT_REQUIRED")[0].message.startswith("VluchtelingenWerk Nederland is een ngo")
    assert out.suggested("add_machtiging")


def test_consent_required_satisfied_by_a_complete_machtiging() -> None:
    machtiging = doc("machtiging.pdf", "MACHTIGING\nOndergetekende,\nNaam Yonas Tekle\ngeeft hierbij toestemming "
                     "aan VluchtelingenWerk\nDatum 14-04-2025\nHandtekening:\n", kind="pdf")
    out = run(message("a@ind.nl", ["juridisch@vluchtelingenwerk.nl"], CASE, attachments=[machtiging]), MARKS)
    assert "CONSENT_REQUIRED" not in out.fired


def test_consent_required_names_what_an_incomplete_machtiging_lacks() -> None:
    machtiging = doc("machtiging.pdf", "MACHTIGING\nOndergetekende,\nNaam Yonas Tekle\ngeeft hierbij toestemming "
                     "aan VluchtelingenWerk\nHandtekening: ____________\n", kind="pdf")
    out = run(message("a@ind.nl", ["juridisch@vluchtelingenwerk.nl"], CASE, attachments=[machtiging]), MARKS)
    violation = out.of("CONSENT_REQUIRED")[0]
    assert violation.message.startswith("De machtiging in machtiging.pdf mist datum en handtekening")


def test_consent_required_satisfied_by_a_reference_in_the_body() -> None:
    body = CASE + " De machtiging d.d. 14 april 2025 is opgeslagen in IS-TV."
    out = run(message("a@ind.nl", ["juridisch@vluchtelingenwerk.nl"], body), MARKS)
    assert "CONSENT_REQUIRED" not in out.fired
    negative = run(message("a@ind.nl", ["juridisch@vluchtelingenwerk.nl"], CASE + " Er is geen machtiging ontvangen."),
                   MARKS)
    assert "CONSENT_REQUIRED" in negative.fired


def test_consent_required_satisfied_by_a_dated_machtiging_of_a_named_person() -> None:
    # "de machtiging van <naam>, gedateerd <datum>": the date follows the name, not the word machtiging.
    body = CASE + " Met de machtiging van de heer Yonas Tekle, gedateerd 20 november 2026, stuur ik zijn gegevens."
    assert "CONSENT_REQUIRED" not in run(message("a@dtv.minvenj.nl", ["avrr@iom.int"], body), MARKS).fired
    # asking for one is not a reference to one
    request = CASE + " Wilt u de machtiging van de heer Yonas Tekle opsturen?"
    assert "CONSENT_REQUIRED" in run(message("a@dtv.minvenj.nl", ["avrr@iom.int"], request), MARKS).fired


def test_consent_not_required_for_nidos_lawyers_or_general_answers() -> None:
    assert "CONSENT_REQUIRED" not in run(message("a@ind.nl", ["voogd@nidos.nl"], CASE), MARKS).fired
    assert "CONSENT_REQUIRED" not in run(message("a@ind.nl", ["mr@x-advocaten.nl"], CASE), MARKS).fired
    general = run(message("a@ind.nl", ["juridisch@vluchtelingenwerk.nl"], "De vertrektermijn is vier weken."))
    assert general.fired == {}


def test_personal_mailbox_names_the_address() -> None:
    out = run(message("klantcontact@ind.nl", ["karim.mansour1987@gmail.com"], "Uw aanvraag (V-nr 2711093342) is "
                      "ingewilligd."), [vnr("2711093342")])
    assert out.fired == {"PERSONAL_MAILBOX": "warn"}
    assert out.of("PERSONAL_MAILBOX")[0].message.startswith("karim.mansour1987@gmail.com is een privé-mailadres")


def test_lawyer_unverified_is_info_and_warn_for_a_claim_on_a_private_mailbox() -> None:
    out = run(message("a@dtv.minvenj.nl", ["mr.bakker@bakker-advocaten.nl"], CASE), MARKS)
    assert out.fired == {"LAWYER_UNVERIFIED": "info"}
    quoted = "Van: mr.jansen@gmail.com\nGeachte heer, als advocaat van dhr. Tekle verzoek ik u namens mijn cliënt ..."
    claim = run(message("a@dtv.minvenj.nl", ["mr.jansen@gmail.com"], CASE, forwarded=[quoted]), MARKS)
    assert claim.fired["LAWYER_UNVERIFIED"] == "warn"


def test_purpose_not_stated_for_a_municipality_without_purpose_or_request() -> None:
    out = run(message("locatie.venlo@coa.nl", ["oov@venlo.nl"], CASE), MARKS)
    assert out.fired == {"PURPOSE_NOT_STATED": "info"}
    assert out.of("PURPOSE_NOT_STATED")[0].message.startswith("Met gemeenten deel je alleen")


def test_purpose_not_stated_silent_with_purpose_reply_or_motivation() -> None:
    purpose = run(message("locatie.venlo@coa.nl", ["oov@venlo.nl"], "In het kader van de openbare orde: " + CASE),
                  MARKS)
    reply = run(message("locatie.venlo@coa.nl", ["oov@venlo.nl"], CASE, subject="RE: vraag"), MARKS)
    header = run(message("locatie.venlo@coa.nl", ["oov@venlo.nl"], CASE, headers={"in-reply-to": "<1@venlo.nl>"}),
                 MARKS)
    for out in (purpose, reply, header):
        assert "PURPOSE_NOT_STATED" not in out.fired


def test_purpose_not_stated_not_for_chain_partners_lawyers_nidos() -> None:
    for to in ("a@politie.nl", "mr@x-advocaten.nl", "voogd@nidos.nl", "b@ind.nl"):
        assert "PURPOSE_NOT_STATED" not in run(message("l.smit@coa.nl", [to], CASE), MARKS).fired


def test_english_messages() -> None:
    out = run(message("a@ind.nl", ["juridisch@vluchtelingenwerk.nl"], CASE), MARKS, lang="en")
    assert out.of("CONSENT_REQUIRED")[0].message.startswith("VluchtelingenWerk Nederland is an NGO")


def test_marks_helper_used_for_special_data() -> None:
    out = run(message("a@ind.nl", ["b@ind.nl"], "Betrokkene is hiv-positief."), [Mark("hiv-positief",
                                                                                     "SPECIAL_CATEGORY", "health")])
    assert out.fired == {}

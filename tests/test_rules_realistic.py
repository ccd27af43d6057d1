"""Defects found by scanning realistic, unseen mails of IND, DT&V and COA staff (built .eml, full pipeline)."""

from __future__ import annotations

from email.message import EmailMessage

from test_cases import check, fired, mail

from scanner.core import scan_message
from scanner.ingest import parse_eml
from scanner.policy import load_policy

COA_SIG = ("Jeroen Baas", "Woonbegeleider", "Centraal Orgaan opvang asielzoekers")
ICS = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Bestuurlijk overleg locatie\r\n"
       b"DTSTART:20250512T080000Z\r\nLOCATION:https://coa-nl.zoom.us/j/9123456\r\n 7890\r\n"
       b"DESCRIPTION:Deelnemen via de link hierboven.\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def test_invitation_attachment_with_a_zoom_link_is_read_and_warned() -> None:
    """rules.md BANNED_CHANNEL: "calendar attachments (.ics) with a Zoom join URL" warn; the .ics is text,
    not an unscannable file, and its syntax lines ("BEGIN:VEVENT") are no names."""
    result = scan_message(mail("regio.zuid@coa.nl", ["overleg@venlo.nl"], "Zie bijgaande uitnodiging.",
                               attachments=[("uitnodiging.ics", "text/calendar", ICS)]))
    check(result, "warn", {"BANNED_CHANNEL": "warn"}, ("UNSCANNABLE_ATTACHMENT", "PURPOSE_NOT_STATED"))
    assert not result.findings


def test_outlook_invitation_as_calendar_alternative_is_read() -> None:
    """Outlook sends an invite as multipart/alternative text/plain + text/calendar: the join link is in the latter."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "regio.zuid@coa.nl", "ketenregie@ind.nl", "Ketenoverleg instroom"
    msg.set_content("Uitnodiging voor het ketenoverleg instroom op 12 mei.")
    msg.add_alternative(ICS.decode(), subtype="calendar", params={"method": "REQUEST"})
    result = scan_message(parse_eml(msg.as_bytes(), "invite.eml"))
    check(result, "warn", {"BANNED_CHANNEL": "warn"}, ("UNSCANNABLE_ATTACHMENT",))


def test_inline_pgp_message_cannot_be_checked() -> None:
    """rules.md UNSCANNABLE_ATTACHMENT: a PGP-encrypted message as a whole, inline armour included."""
    body = ("-----BEGIN PGP MESSAGE-----\n\nhQEMA3x1Zl2kq9kLAQf/Y0Y2t8W7uF1hGvN1kQ==\n=Xy12\n"
            "-----END PGP MESSAGE-----\n")
    result = scan_message(mail("s.kuipers@dtv.minvenj.nl", ["mr.hendriks@hendriks-advocatuur.nl"], body))
    check(result, "warn", {"UNSCANNABLE_ATTACHMENT": "warn"}, ("INSECURE_TRANSPORT",))
    assert result.violations[0].message.startswith("Het bericht kon niet worden gecontroleerd (versleuteld).")
    greeting = scan_message(mail("s.kuipers@dtv.minvenj.nl", ["mr.hendriks@hendriks-advocatuur.nl"],
                                 "Geachte mr. Hendriks,\n\nZie het versleutelde bericht.\n\n" + body))
    assert fired(greeting).get("UNSCANNABLE_ATTACHMENT") == "warn"


def test_a_lexicon_term_inside_an_address_or_link_is_no_special_data() -> None:
    """"ahmadi" (a religion in the lexicon) in a quoted lawyer's address, "psychose" in a URL: about nobody."""
    body = ("Geachte mr. Ahmadi,\n\nUw cliënt, de heer Reza Moradi (V-nummer 2201457788), heeft op 6 mei een "
            "vertrekgesprek. Achtergrond over de aanpak: https://www.voorbeeld-ggz.nl/psychose/behandeling\n\n"
            "Op 12 apr. 2025 schreef mr. F. Ahmadi <advocaat.ahmadi@ahmadi-advocaten.nl>:\n"
            "> Namens mijn cliënt verzoek ik u om informatie over de planning.")
    result = scan_message(mail("s.kuipers@dtv.minvenj.nl", ["advocaat.ahmadi@ahmadi-advocaten.nl"], body,
                               reply=True))
    check(result, "pass", {"LAWYER_UNVERIFIED": "info"}, ("SPECIAL_OUTSIDE_CHAIN", "INSECURE_TRANSPORT"))
    assert not [f for f in result.findings if f.special]


def test_an_office_mailbox_in_general_text_is_no_personal_data() -> None:
    """A newsletter on the AVG to a department list, naming the privacy office: must pass (rules.md must-pass 2),
    not CASE_NOT_ANONYMISED because of "avg@dtv.minvenj.nl"."""
    body = ("Beste collega's,\n\nIn deze nieuwsbrief aandacht voor de AVG. Deel een casus ter informatie altijd "
            "geanonimiseerd. Twijfel je? Mail avg@dtv.minvenj.nl of info@coa.nl.")
    result = scan_message(mail("communicatie@dtv.minvenj.nl", ["allen-regio-zuid@dtv.minvenj.nl"], body))
    check(result, "pass", {}, ("CASE_NOT_ANONYMISED",))
    # A colleague's own address in the same sentence still is personal data of someone (a finding), but
    # names no data subject of a case: CASE_NOT_ANONYMISED needs a name, V-nummer or date of birth (issue 18).
    personal = scan_message(mail("communicatie@dtv.minvenj.nl", ["allen-regio-zuid@dtv.minvenj.nl"],
                                 body.replace("avg@dtv.minvenj.nl", "h.kaya@dtv.minvenj.nl")))
    assert any(f.entity == "EMAIL_ADDRESS" for f in personal.findings)
    assert "CASE_NOT_ANONYMISED" not in fired(personal)
    named = scan_message(mail("communicatie@dtv.minvenj.nl", ["allen-regio-zuid@dtv.minvenj.nl"],
                              body + "\nZo deelde iemand de zaak van Hamid Kaya, V-nummer 2718440933, ter informatie."))
    assert fired(named).get("CASE_NOT_ANONYMISED") == "warn"


def test_functional_mailboxes_from_the_policy() -> None:
    policy = load_policy()
    assert policy.is_functional_mailbox("info@COA.nl")
    assert policy.is_functional_mailbox("informatiebeveiliging.ict@ind.nl")
    assert policy.is_functional_mailbox("klantcontact@ind.nl")
    assert policy.is_functional_mailbox("info@utrecht.nl")
    assert not policy.is_functional_mailbox("m.bos@ind.nl")
    assert not policy.is_functional_mailbox("info@gmail.com")  # a private mailbox may be anyone's
    assert not policy.is_functional_mailbox("info@onbekend-bedrijf.nl")


def test_a_short_label_sentence_is_about_the_person_of_the_sentence_before() -> None:
    """SUBJECTIVE_REMARK: "Echt een querulant." has no subject of its own; it judges the resident just named."""
    body = ("Hoi Mohan,\n\nBewoner Yusuf Demir (V-nummer 2303316655) heeft weer geklaagd over het eten. "
            "Echt een querulant. Kun jij morgen het gesprek met hem voeren?")
    check(scan_message(mail("j.baas@coa.nl", ["m.ramdin@coa.nl"], body)), "pass", {"SUBJECTIVE_REMARK": "info"})
    about_nobody = ("Hoi Mohan,\n\nBewoner Yusuf Demir (V-nummer 2303316655) wil morgen een gesprek.\n\n"
                    "De nieuwe wasmachine is alweer stuk. Echt een lastpak.")
    check(scan_message(mail("j.baas@coa.nl", ["m.ramdin@coa.nl"], about_nobody)), "pass", {}, ("SUBJECTIVE_REMARK",))

"""The text report: grouped by rule, masked findings with their place, one line of advice at the end."""

from __future__ import annotations

from test_rules_kit import Mark, beschikking_pages, context, message, pdf, person

from scanner.model import Message, Recipient, Result, mask
from scanner.report import render_html, render_text
from scanner.rules import evaluate, verdict_of


def result_for(msg: Message, marks: list[Mark], lang: str = "nl") -> Result:
    ctx = context(msg, marks, lang=lang)
    violations, suggestions = evaluate(ctx)
    return Result(input="test.eml", message_id=None, verdict=verdict_of(violations),
                  sender={"address": ctx.sender.address, "organisation": ctx.sender.organisation},
                  recipients=[Recipient(r.address, r.field, r.organisation, r.category) for r in ctx.recipients],
                  findings=ctx.findings, violations=violations, suggestions=suggestions, errors=[], elapsed_ms=1.0,
                  motivation=ctx.motivation)


MARKS = [person("Mehmet Aydin"), Mark("2607781239", "V_NUMBER", every=True)]


def test_full_beschikking_report_ends_with_actionable_advice() -> None:
    msg = message("bmw@ind.nl", ["opvang.zwolle@coa.nl"], "Bijgaand de beschikking van dhr. Mehmet Aydin.",
                  cc=["oov@zwolle.nl"], attachments=[pdf("beschikking.pdf", beschikking_pages(12))])
    text = render_text(result_for(msg, MARKS))
    lines = text.splitlines()
    assert lines[1].startswith("Oordeel: WAARSCHUWING")
    assert "[LET OP] Volledige beschikking (FULL_BESCHIKKING) — bijlage beschikking.pdf" in text
    assert "Wat te doen: Stuur alleen pagina 1, 11 en 12 van beschikking.pdf mee." in text
    assert "Bron: Handreiking, hoofdstuk 2, Vragen mbt beschikking/correspondentie" in text
    assert (f"V-nummer (V_NUMBER) {mask('2607781239', 'V_NUMBER')} — bijlage beschikking.pdf, pagina 1-12 (13 keer)"
            in text)
    assert "Aydin" not in text and "2607781239" not in text
    assert lines[-1] == ("Advies: Verwijder oov@zwolle.nl en stuur alleen pagina 1, 11 en 12 van beschikking.pdf, "
                         "zet anders een regel \"Motivering: …\" in je bericht.")


def test_pass_report_and_reveal() -> None:
    msg = message("a@ind.nl", ["b@dtv.minvenj.nl"], "De procedure van dhr. Mehmet Aydin (V-nr 2607781239) loopt.")
    result = result_for(msg, MARKS)
    text = render_text(result)
    assert text.splitlines()[-1] == "Advies: Je kunt dit bericht versturen."
    assert f"naam (PERSON) {mask('Mehmet Aydin', 'PERSON')} — tekst van de mail" in text
    assert "Mehmet Aydin" in render_text(result, reveal=True)


def test_english_report() -> None:
    msg = message("a@ind.nl", ["k@gmail.com"], "V-nr 2607781239.")
    text = render_text(result_for(msg, MARKS[1:], lang="en"), lang="en")
    assert "Verdict: WARNING" in text and "[WARN] Personal mailbox (PERSONAL_MAILBOX)" in text
    assert text.splitlines()[-1] == "Advice: Remove k@gmail.com."


def test_block_advice_for_consent_and_source() -> None:
    msg = message("r@dtv.minvenj.nl", ["s@gemeente-eindhoven.nl"], "Ter informatie.",
                  attachments=[pdf("beschikking.pdf", beschikking_pages(14))])
    text = render_text(result_for(msg, MARKS))
    assert text.splitlines()[-1].startswith("Advies: Laat de ontvanger beschikking.pdf zelf opvragen bij de IND")


def test_html_report_escapes() -> None:
    msg = message("a@ind.nl", ["x@onbekend.nl"], "V-nr 2607781239 <script>")
    page = render_html([result_for(msg, MARKS[1:])])
    assert page.startswith("<!doctype html>") and "<script>" not in page and "NO_LEGAL_BASIS" in page


def _mail_with_named_attachments() -> bytes:
    from email.mime.application import MIMEApplication
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    outer = MIMEMultipart()
    outer["From"] = "m.kok@coa.nl"
    outer["To"] = "intake@ggdghor.nl"
    outer["Subject"] = "Verwijzing"
    outer.attach(MIMEText("Bijgaand de verwijzing van dhr. Gebrezgiabher.", "plain", "utf-8"))
    names = ["verwijzing_Hassan_2711093342.pdf", "Gebrezgiabher-intake.pdf", "beschikking.pdf"]
    for name in names:
        att = MIMEApplication(b"%PDF-1.4 damaged", "pdf")  # unreadable: each gets a violation naming it
        att.add_header("Content-Disposition", "attachment", filename=name)
        outer.attach(att)
    return outer.as_bytes()


def test_attachment_names_are_masked_unless_revealed() -> None:
    """A file named after the person leaks the name: masked in JSON, text and HTML without --reveal."""
    import json

    from scanner.core import scan_message
    from scanner.ingest import load_bytes

    result = scan_message(load_bytes(_mail_with_named_attachments(), "verwijzing.eml"))
    assert any(v.attachment == "verwijzing_Hassan_2711093342.pdf" for v in result.violations)
    shown = [json.dumps(result.to_json(), ensure_ascii=False), render_text(result), render_html([result])]
    for out in shown:
        # A listed name, a name found in the body and a V-nummer are masked; ordinary words stay.
        assert "Hassan" not in out and "2711093342" not in out and "Gebrezgiabher-intake" not in out
        assert "verwijzing_H" in out and "beschikking.pdf" in out and "-intake.pdf" in out
    revealed = json.dumps(result.to_json(reveal=True), ensure_ascii=False)
    assert "verwijzing_Hassan_2711093342.pdf" in revealed and "Gebrezgiabher-intake.pdf" in revealed
    assert "verwijzing_Hassan_2711093342.pdf" in render_text(result, reveal=True)


def test_one_advice_per_recipient_the_strongest() -> None:
    """A recipient the sender is told to remove gets no "voeg de machtiging toe" as well."""
    from scanner.model import Suggestion, Violation
    from scanner.report import advice

    violations = [Violation("CONSENT_REQUIRED", "block", "…", "…", ["a@vluchtelingenwerk.nl", "b@iom.int"]),
                  Violation("CC_OVERREACH", "warn", "…", "…", ["a@vluchtelingenwerk.nl"])]
    suggestions = [Suggestion("add_machtiging", {"recipient": "a@vluchtelingenwerk.nl", "rule": "CONSENT_REQUIRED"}),
                   Suggestion("remove_recipient", {"address": "a@vluchtelingenwerk.nl", "rule": "CC_OVERREACH"})]
    result = Result(input="t.eml", message_id=None, verdict="block", sender=None, recipients=[], findings=[],
                    violations=violations, suggestions=suggestions, errors=[], elapsed_ms=0)
    line = advice(result)
    assert "Verwijder a@vluchtelingenwerk.nl" in line and "machtiging" not in line
    text = render_text(result)
    assert "Voorstel: voeg de machtiging" not in text and "Voorstel: verwijder a@vluchtelingenwerk.nl." in text
    # Another recipient still needs the machtiging.
    suggestions.append(Suggestion("add_machtiging", {"recipient": "b@iom.int", "rule": "CONSENT_REQUIRED"}))
    assert "voeg de machtiging van de vreemdeling" in advice(result)

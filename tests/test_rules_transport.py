"""BANNED_CHANNEL, INSECURE_TRANSPORT and UNSCANNABLE_ATTACHMENT."""

from __future__ import annotations

from test_rules_kit import Mark, message, pdf, person, run, vnr

from scanner.model import Part

CASE = "De camerabeelden over bewoner Dawit Haile staan klaar"
MARKS = [person("Dawit Haile")]


def test_banned_channel_blocks_a_wetransfer_link() -> None:
    out = run(message("b@coa.nl", ["w@politie.nl"], CASE + ": https://we.tl/t-Ab12Cd34Ef."), MARKS)
    assert out.fired == {"BANNED_CHANNEL": "block"}
    assert out.of("BANNED_CHANNEL")[0].message.startswith("Je gebruikt WeTransfer. Gebruik nooit")
    assert out.suggested("use_channel")[0].details["channel"] == ["versleutelde e-mail", "Bestandenpostbus"]


def test_banned_channel_from_html_links_and_safelinks() -> None:
    wrapped = ("https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.dropbox.com%2Fs%2Fabc"
               "&data=x")
    out = run(message("b@coa.nl", ["w@politie.nl"], "Zie de link.", links=[wrapped]))
    assert out.fired == {"BANNED_CHANNEL": "block"}
    assert "Dropbox" in out.of("BANNED_CHANNEL")[0].message


def test_banned_channel_warns_for_zoom_and_whatsapp() -> None:
    out = run(message("m@dtv.minvenj.nl", ["t@gemeente-eindhoven.nl"],
                      "Zullen we dinsdag even zoomen? https://us02web.zoom.us/j/81234567890"))
    assert out.fired == {"BANNED_CHANNEL": "warn"}
    assert "Webex, Signal, FaceTime of Skype" in out.of("BANNED_CHANNEL")[0].message
    app = run(message("m@dtv.minvenj.nl", ["t@ind.nl"], "De stukken stuur ik je via WhatsApp."))
    assert app.fired == {"BANNED_CHANNEL": "warn"}


def test_banned_channel_not_for_prohibitions_and_info_in_the_signature() -> None:
    assert run(message("a@ind.nl", ["b@coa.nl"], "Gebruik nooit WeTransfer voor dossiers.")).fired == {}
    body = "Tot dinsdag.\n\nMet vriendelijke groet,\nJan\nBereikbaar via WhatsApp: 06-12345678"
    assert run(message("a@ind.nl", ["b@coa.nl"], body)).fired == {"BANNED_CHANNEL": "info"}


PSYCH = "Mevrouw Amina Yusuf (V-nr 3011450092) is opgenomen in een psychiatrische kliniek."
PSYCH_MARKS = [person("Amina Yusuf"), vnr("3011450092"), Mark("psychiatrische kliniek", "SPECIAL_CATEGORY", "health")]


def test_insecure_transport_for_special_data_outside_the_chain() -> None:
    out = run(message("w@coa.nl", ["wmo@eemsdelta.nl"], PSYCH), PSYCH_MARKS)
    assert out.fired["INSECURE_TRANSPORT"] == "warn"
    assert "(bijzondere persoonsgegevens)" in out.of("INSECURE_TRANSPORT")[0].message
    assert "info@COA.nl" in out.of("INSECURE_TRANSPORT")[0].message


def test_insecure_transport_not_when_encrypted_or_to_chain_partners() -> None:
    assert "INSECURE_TRANSPORT" not in run(message("w@coa.nl", ["wmo@eemsdelta.nl"], PSYCH, encrypted=True),
                                           PSYCH_MARKS).fired
    tagged = message("w@coa.nl", ["wmo@eemsdelta.nl"], PSYCH, subject="[VERSLEUTELD] opname")
    assert "INSECURE_TRANSPORT" not in run(tagged, PSYCH_MARKS).fired
    assert "INSECURE_TRANSPORT" not in run(message("w@coa.nl", ["a@politie.nl"], PSYCH), PSYCH_MARKS).fired


def test_insecure_transport_signed_is_not_encrypted_but_pgp_is() -> None:
    signed = message("w@coa.nl", ["wmo@eemsdelta.nl"], PSYCH)
    signed.smime = True
    assert run(signed, PSYCH_MARKS).fired["INSECURE_TRANSPORT"] == "warn"
    armoured = message("w@coa.nl", ["wmo@eemsdelta.nl"], PSYCH + "\n-----BEGIN PGP MESSAGE-----\nhQEMA...")
    assert "INSECURE_TRANSPORT" not in run(armoured, PSYCH_MARKS).fired


def test_insecure_transport_not_for_ordinary_data_of_one_person() -> None:
    out = run(message("r@dtv.minvenj.nl", ["mr@x-advocaten.nl"], "Uw cliënt Tesfay Gebremariam (V-nr 2901834456) "
                      "had een vertrekgesprek."), [person("Tesfay Gebremariam"), vnr("2901834456")])
    assert "INSECURE_TRANSPORT" not in out.fired


def test_insecure_transport_for_a_vulnerable_person_but_not_a_ward_to_nidos() -> None:
    text = "Samir Haidari (amv, V-nr 3102745518) wordt overgeplaatst."
    marks = [person("Samir Haidari"), vnr("3102745518")]
    assert run(message("l@coa.nl", ["wmo@zwolle.nl"], text), marks).fired.get("INSECURE_TRANSPORT") == "warn"
    assert "INSECURE_TRANSPORT" not in run(message("l@coa.nl", ["voogd@nidos.nl"], text), marks).fired


def test_insecure_transport_for_many_files_with_personal_data() -> None:
    files = [pdf(f"stuk{i}.pdf", [f"Dhr. Mehmet Aydin stuk {i}"]) for i in range(5)]
    out = run(message("j@coa.nl", ["mr@y-advocaten.nl"], "Bijgaand.", attachments=files),
              [Mark("Mehmet Aydin", "PERSON", every=True)])
    assert "een groot bestand" in out.of("INSECURE_TRANSPORT")[0].message


def test_unscannable_attachment_with_reason() -> None:
    locked = Part(part="attachment", kind="pdf", name="medisch.pdf", error="PDF is encrypted (password)")
    broken = Part(part="attachment", kind="zip", name="a.zip", error="corrupt zip: truncated")
    out = run(message("j@coa.nl", ["mr@y-advocaten.nl"], "Bijgaand.", attachments=[locked, broken]))
    messages = {v.attachment: v.message for v in out.of("UNSCANNABLE_ATTACHMENT")}
    assert messages["medisch.pdf"].startswith("medisch.pdf kon niet worden gecontroleerd (versleuteld)")
    assert "(beschadigd)" in messages["a.zip"]
    assert out.verdict == "warn"


def test_unscannable_attachment_for_images_only_when_they_could_not_be_read() -> None:
    # Issue 14: images are read by OCR; a photo without text is read, a broken image or a scan OCR
    # could not read is not.
    photo = Part(part="attachment", kind="image", name="foto.jpg", pages=[""], meta={"ocr_pages": []})
    assert "UNSCANNABLE_ATTACHMENT" not in run(message("a@ind.nl", ["b@coa.nl"], "Zie foto.",
                                                       attachments=[photo])).fired
    broken = Part(part="attachment", kind="image", name="foto.jpg", error="afbeelding is beschadigd")
    scan = Part(part="attachment", kind="image", name="scan.png", pages=[""], meta={"ocr_unread": {1: "ocr_poor"}})
    out = run(message("a@ind.nl", ["b@coa.nl"], "Zie foto.", attachments=[broken, scan]))
    messages = {v.attachment: v.message for v in out.of("UNSCANNABLE_ATTACHMENT")}
    assert "(beschadigd)" in messages["foto.jpg"]
    assert "(de afbeelding is een scan die niet gelezen kon worden)" in messages["scan.png"]

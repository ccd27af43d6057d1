"""SPECIAL_OUTSIDE_CHAIN, ASYLUM_MOTIVE_IN_CHAIN and SUBJECTIVE_REMARK."""

from __future__ import annotations

from test_rules_kit import Mark, beschikking_pages, message, pdf, person, run, vnr

from scanner.model import mask

PSYCH = "Mevrouw Amina Yusuf (V-nr 3011450092) is opgenomen in een psychiatrische kliniek vanwege een psychose."
PSYCH_MARKS = [person("Amina Yusuf"), vnr("3011450092"),
               Mark("psychiatrische kliniek", "SPECIAL_CATEGORY", "health"), Mark("psychose", "SPECIAL_CATEGORY",
                                                                                  "health")]
CRIME = "Bewoner Dawit Haile (V-nr 2702216654) is gisteren aangehouden wegens winkeldiefstal."
CRIME_MARKS = [person("Dawit Haile"), vnr("2702216654"), Mark("aangehouden wegens", "CRIMINAL_DATA")]


def test_special_outside_chain_blocks_health_data_to_a_municipality() -> None:
    out = run(message("w@coa.nl", ["wmo@eemsdelta.nl"], PSYCH), PSYCH_MARKS)
    assert out.fired["SPECIAL_OUTSIDE_CHAIN"] == "block"
    violation = out.of("SPECIAL_OUTSIDE_CHAIN")[0]
    assert violation.message.startswith("Dit bericht bevat bijzondere persoonsgegevens over een persoon "
                                        "(psychiatrische kliniek en psychose)")
    assert violation.source == "Wegwijzer, stap 2"
    redact = out.suggested("redact")[0].details
    assert redact["entities"] == ["SPECIAL_CATEGORY"] and "Yusuf" not in str(redact)


def test_special_outside_chain_not_inside_the_kleine_keten() -> None:
    for to in ("b@ind.nl", "r@dtv.minvenj.nl"):
        assert "SPECIAL_OUTSIDE_CHAIN" not in run(message("w@coa.nl", [to], PSYCH), PSYCH_MARKS).fired


def test_special_outside_chain_ignores_unlinked_terms() -> None:
    text = "Bijzondere persoonsgegevens zijn bijvoorbeeld gegevens over gezondheid."
    out = run(message("w@coa.nl", ["wmo@eemsdelta.nl"], text), [Mark("gezondheid", "SPECIAL_CATEGORY", "health",
                                                                      linked=False)])
    assert out.fired == {}


def test_special_outside_chain_warn_rows() -> None:
    lawyer = run(message("w@coa.nl", ["mr@x-advocaten.nl"], PSYCH), PSYCH_MARKS)
    nidos = run(message("w@coa.nl", ["voogd@nidos.nl"], PSYCH), PSYCH_MARKS)
    ggd = run(message("w@coa.nl", ["tbc@ggdgroningen.nl"], PSYCH), PSYCH_MARKS)
    for out in (lawyer, nidos, ggd):
        assert out.fired["SPECIAL_OUTSIDE_CHAIN"] == "warn"
        assert "alleen als dat echt nodig is" in out.of("SPECIAL_OUTSIDE_CHAIN")[0].message


def test_special_outside_chain_criminal_data_warn_to_police_block_to_municipality() -> None:
    out = run(message("b@coa.nl", ["avim.zuid@politie.nl"], CRIME, cc=["oov@cranendonck.nl"]), CRIME_MARKS)
    by_recipient = {v.recipients[0]: v.severity for v in out.of("SPECIAL_OUTSIDE_CHAIN")}
    assert by_recipient == {"avim.zuid@politie.nl": "warn", "oov@cranendonck.nl": "block"}
    assert "strafrechtelijke gegevens" in out.of("SPECIAL_OUTSIDE_CHAIN")[0].message


def test_special_outside_chain_health_to_police_is_block() -> None:
    out = run(message("w@coa.nl", ["avim.zuid@politie.nl"], PSYCH), PSYCH_MARKS)
    assert out.fired["SPECIAL_OUTSIDE_CHAIN"] == "block"


def test_special_outside_chain_suggests_keep_pages_for_a_beschikking() -> None:
    pages = beschikking_pages(14, relaas="Hij behoort tot de Hazara en vreest vervolging.")
    out = run(message("r@dtv.minvenj.nl", ["s@gemeente-eindhoven.nl"], "Ter informatie.",
                      attachments=[pdf("beschikking.pdf", pages)]),
              [person("Mehmet Aydin"), Mark("Hazara", "SPECIAL_CATEGORY", "ethnicity", every=True)])
    assert out.fired["SPECIAL_OUTSIDE_CHAIN"] == "block"
    keep = [s.details for s in out.suggested("keep_pages")]
    assert {"attachment": "beschikking.pdf", "pages": [1, 13, 14], "rule": "SPECIAL_OUTSIDE_CHAIN"} in keep


ACCOUNT = ("Voor de vertrekstrategie van dhr. Reza Karimi (V-nr 2510077431): hij stelt zich te hebben bekeerd tot "
           "het christendom; de IND heeft de bekering niet geloofwaardig geacht.")
ACCOUNT_MARKS = [person("Reza Karimi"), vnr("2510077431"), Mark("bekeerd", "SPECIAL_CATEGORY", "religion"),
                 Mark("niet geloofwaardig", "ASYLUM_MOTIVE")]


def test_asylum_motive_in_chain_info_to_dtv_warn_to_coa() -> None:
    dtv = run(message("b@ind.nl", ["regie.noord@dtv.minvenj.nl"], ACCOUNT), ACCOUNT_MARKS)
    assert dtv.fired == {"ASYLUM_MOTIVE_IN_CHAIN": "info"}
    coa = run(message("b@ind.nl", ["opvang@coa.nl"], ACCOUNT), ACCOUNT_MARKS)
    assert coa.fired == {"ASYLUM_MOTIVE_IN_CHAIN": "warn"}
    assert "het COA nodig heeft" in coa.of("ASYLUM_MOTIVE_IN_CHAIN")[0].message
    motivated = run(message("b@ind.nl", ["opvang@coa.nl"], ACCOUNT + "\nMotivering: nodig voor de opvang."),
                    ACCOUNT_MARKS)
    assert motivated.fired == {"ASYLUM_MOTIVE_IN_CHAIN": "info"}


def test_asylum_motive_in_chain_not_to_own_organisation() -> None:
    assert run(message("b@ind.nl", ["c@ind.nl"], ACCOUNT), ACCOUNT_MARKS).fired == {}


def test_asylum_motive_in_chain_skips_an_attachment_reported_by_full_beschikking() -> None:
    pages = beschikking_pages(14, relaas="Hij vreest vervolging.")
    msg = message("b@ind.nl", ["opvang@coa.nl"], "Bijgaand de beschikking.",
                  attachments=[pdf("beschikking.pdf", pages)])
    out = run(msg, [person("Mehmet Aydin"), Mark("vreest vervolging", "ASYLUM_MOTIVE", every=True)])
    assert "ASYLUM_MOTIVE_IN_CHAIN" not in out.fired
    assert out.fired["FULL_BESCHIKKING"] == "warn"


QUERULANT = ("Dhr. Idris Musa (V-nr 2812204456) is per 3 maart vertrokken. Hij is overigens een echte querulant.")


def test_subjective_remark_about_a_person() -> None:
    out = run(message("l@coa.nl", ["oov@venlo.nl"], "In het kader van de openbare orde: " + QUERULANT),
              [person("Idris Musa"), vnr("2812204456")])
    assert out.fired == {"SUBJECTIVE_REMARK": "info"}
    violation = out.of("SUBJECTIVE_REMARK")[0]
    assert violation.message.startswith(f'Je beschrijft {mask("Idris Musa", "PERSON")} als "querulant"')
    assert "Idris" not in violation.message


def test_subjective_remark_not_for_reported_speech_or_without_person() -> None:
    reported = "Dhr. Idris Musa (V-nr 2812204456) noemde zijn buurman een leugenaar."
    assert "SUBJECTIVE_REMARK" not in run(message("l@coa.nl", ["b@ind.nl"], reported),
                                          [person("Idris Musa"), vnr("2812204456")]).fired
    general = "Een gelukzoeker is geen juridische term. Dhr. Idris Musa (V-nr 2812204456) is vertrokken."
    assert "SUBJECTIVE_REMARK" not in run(message("l@coa.nl", ["b@ind.nl"], general),
                                          [person("Idris Musa"), vnr("2812204456")]).fired

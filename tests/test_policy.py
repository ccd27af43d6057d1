"""The policy: default directory and matrix, overlays a privacy officer writes, and clear errors."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from test_rules_kit import Mark, message, person, run, vnr

from scanner.policy import CATEGORIES, RULE_IDS, PolicyError, load_policy


def overlay(tmp_path: Path, text: str, name: str = "policy.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_policy_is_loaded_once_and_immutable() -> None:
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(load_policy())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(p is load_policy() for p in results)
    with pytest.raises(TypeError):
        load_policy().data["severities"]["CC_OVERREACH"] = "block"  # type: ignore[index]


@pytest.mark.parametrize(("address", "organisation", "category"), [
    ("j.dekker@ind.nl", "IND", "kleine_keten"),
    ("r@dtv.minvenj.nl", "DT&V", "kleine_keten"),
    ("info@COA.nl", "COA", "kleine_keten"),
    ("avim.zuid@politie.nl", "Politie (AVIM)", "ketenpartner"),
    ("x@zuid.politie.nl", "Politie (AVIM)", "ketenpartner"),
    ("grens@mindef.nl", "KMar", "ketenpartner"),
    ("a@kmar.nl", "KMar", "ketenpartner"),
    ("a@dji.minjus.nl", "DJI", "ketenpartner"),
    ("a@minbuza.nl", "Buitenlandse Zaken", "ketenpartner"),
    ("burgerzaken@amsterdam.nl", "Gemeente Amsterdam", "gemeente"),
    ("a@denhaag.nl", "Gemeente Den Haag", "gemeente"),
    ("a@s-hertogenbosch.nl", "Gemeente 's-Hertogenbosch", "gemeente"),
    ("oov@venlo.nl", "Gemeente Venlo", "gemeente"),
    ("wmo@eemsdelta.nl", "Gemeente Eemsdelta", "gemeente"),
    ("t@gemeente-eindhoven.nl", "Gemeente Eindhoven", "gemeente"),
    ("a@gemeentevoorbeeld.nl", "Gemeente", "gemeente"),
    ("voogd.oost@nidos.nl", "Nidos", "nidos"),
    ("s@vluchtelingenwerk.nl", "VluchtelingenWerk Nederland", "ngo"),
    ("a@iom.int", "IOM", "ngo"),
    ("a@vng.nl", "VNG", "ngo"),
    ("mr.bakker@bakker-advocaten.nl", "Advocatuur", "advocaat"),
    ("a@advocatenkantoor-jansen.nl", "Advocatuur", "advocaat"),
    ("tbc@ggdgroningen.nl", "GGD", "overheid"),
    ("a@rvr.org", "Raad voor Rechtsbijstand", "overheid"),
    ("a@minjenv.nl", "Departement J&V", "overheid"),
    ("advies@veiligthuisbrabantnoord.nl", "Veilig Thuis", "overheid"),
    ("karim@gmail.com", None, "webmail"),
    ("a@hotmail.com", None, "webmail"),
    ("info@kinderopvang-zonnestraal.nl", None, "onbekend"),
    ("a@ind.nl.example.com", None, "onbekend"),
    ("a@coa-nl.com", None, "onbekend"),
])
def test_resolve(address: str, organisation: str | None, category: str) -> None:
    assert load_policy().resolve(address) == (organisation, category)
    assert category in CATEGORIES


def test_lookalike_domains() -> None:
    policy = load_policy()
    assert policy.match("x@ind-nl.nl").lookalike_of == "ind.nl"
    assert policy.match("x@c0a.nl").lookalike_of == "coa.nl"
    assert policy.match("x@politle.nl").lookalike_of == "politie.nl"
    assert policy.match("x@ing.nl").lookalike_of is None


def test_all_municipalities_are_there() -> None:
    policy = load_policy()
    assert len(set(policy.municipalities.values())) == 342
    for domain in ("utrecht.nl", "zwolle.nl", "sudwestfryslan.nl", "cranendonck.nl", "zeist.nl", "bergen-nh.nl"):
        assert policy.resolve("a@" + domain)[1] == "gemeente"


@pytest.mark.parametrize(("sender", "recipient", "partner"), [
    ("DTV", "advies@veiligthuisbrabantnoord.nl", False),
    ("COA", "advies@veiligthuisbrabantnoord.nl", True),
    ("COA", "a@raadvanstate.nl", False),
    ("IND", "a@raadvanstate.nl", True),
    ("COA", "avim@politie.nl", True),
    ("IND", "a@vng.nl", True),
])
def test_partner_matrix(sender: str, recipient: str, partner: bool) -> None:
    policy = load_policy()
    assert policy.is_partner(policy.organisation(sender), policy.match(recipient)) is partner


def test_every_rule_has_severity_source_and_messages_in_both_languages() -> None:
    policy = load_policy()
    for rule in RULE_IDS:
        assert policy.severity(rule) in ("block", "warn", "info")
        assert policy.source(rule)
        for lang in ("nl", "en"):
            assert policy.has_template(rule, "default", lang) or rule == "BANNED_CHANNEL"
            assert policy.has_template(rule, "fix", lang)
    assert policy.severity("SPECIAL_OUTSIDE_CHAIN", "nidos") == "warn"
    assert policy.severity("BANNED_CHANNEL", "signature") == "info"


def test_contacts_and_articles() -> None:
    policy = load_policy()
    assert policy.privacy_office(policy.organisation("DTV")) == "avg@dtv.minvenj.nl"
    assert policy.infosec(policy.organisation("IND")) == "informatiebeveiliging.ict@ind.nl"
    assert policy.privacy_office(policy.organisation("COA")) == "info@COA.nl"
    assert policy.org_phrase(policy.organisation("COA")) == "het COA"
    assert policy.org_phrase(policy.match("oov@venlo.nl")) == "de gemeente Venlo"
    assert policy.org_phrase(policy.match("v@nidos.nl")) == "Nidos"
    assert policy.org_phrase(policy.organisation("IND"), "en") == "the IND"


def test_sender_from_domain_or_override() -> None:
    policy = load_policy()
    assert policy.sender("A.Jansen@dtv.minvenj.nl").organisation == "DT&V"
    assert policy.sender(None, "COA").organisation == "COA"
    assert policy.sender("x@ind.nl", "DTV").organisation == "DT&V"


HEALTH = "Dhr. Ali Hassan (V-nr 2704418823) is bij de tbc-screening positief getest."
HEALTH_MARKS = [person("Ali Hassan"), vnr("2704418823"), Mark("tbc", "SPECIAL_CATEGORY", "health")]


def test_overlay_adds_a_domain(tmp_path: Path) -> None:
    mail = message("g@coa.nl", ["arts@zorgasielzoekers.nl"], "Ten behoeve van de zorg: " + HEALTH)
    before = run(mail, HEALTH_MARKS)
    assert before.verdict == "block" and "NO_LEGAL_BASIS" in before.fired
    policy = load_policy(overlay(tmp_path, '[domains]\n"zorgasielzoekers.nl" = "GZA"\n'))
    assert policy.resolve("arts@zorgasielzoekers.nl") == ("GZA", "overheid")
    after = run(mail, HEALTH_MARKS, policy=policy)
    assert after.fired.get("SPECIAL_OUTSIDE_CHAIN") == "warn" and "NO_LEGAL_BASIS" not in after.fired
    assert after.verdict == "warn"
    assert load_policy().resolve("arts@zorgasielzoekers.nl")[1] == "onbekend"


def test_overlay_changes_a_severity(tmp_path: Path) -> None:
    mail = message("klantcontact@ind.nl", ["karim@gmail.com"], "Uw aanvraag (V-nr 2711093342) is ingewilligd.")
    assert run(mail, [vnr("2711093342")]).verdict == "warn"
    policy = load_policy(overlay(tmp_path, '[severities]\nPERSONAL_MAILBOX = "block"\n'))
    assert run(mail, [vnr("2711093342")], policy=policy).verdict == "block"


def test_overlay_changes_a_variant_and_a_threshold(tmp_path: Path) -> None:
    mail = message("b@coa.nl", ["x@ind.nl"], "Dhr. Karim Mansour (V-nr 2711093342).", cc=["c1@coa.nl", "c2@coa.nl"])
    marks = [person("Karim Mansour"), vnr("2711093342")]
    assert "CC_OVERREACH" not in run(mail, marks).fired
    policy = load_policy(overlay(tmp_path, "[thresholds]\ncc_count = 1\n\n[severity_variants.CC_OVERREACH]\n"
                                           'motivated = "warn"\n'))
    assert policy.threshold("cc_count") == 1
    assert run(mail, marks, policy=policy).of("CC_OVERREACH")[0].recipients == ["c2@coa.nl"]
    assert policy.severity("CC_OVERREACH", "motivated") == "warn"
    assert policy.threshold("bulk_persons") == 5


def test_overlay_makes_a_discouraged_channel_a_banned_one(tmp_path: Path) -> None:
    mail = message("b@coa.nl", ["x@coa.nl"], "Het overleg is via https://zoom.us/j/123456789 om tien uur.")
    assert run(mail).fired.get("BANNED_CHANNEL") == "warn"
    policy = load_policy(overlay(tmp_path, '[channels.zoom]\nseverity = "block"\n'))
    assert run(mail, policy=policy).fired.get("BANNED_CHANNEL") == "block"
    assert run(mail, policy=policy).verdict == "block"


def test_overlay_changes_a_message_and_adds_a_municipal_domain(tmp_path: Path) -> None:
    text = ('[messages.nl.PERSONAL_MAILBOX]\ndefault = "Privéadres {adres}: bel eerst."\n\n'
            '[gemeenten.extra_domains]\n"heerlen-digitaal.nl" = "Heerlen"\n')
    policy = load_policy(overlay(tmp_path, text))
    assert policy.resolve("a@heerlen-digitaal.nl") == ("Gemeente Heerlen", "gemeente")
    out = run(message("a@ind.nl", ["k@gmail.com"], "V-nr 2711093342"), [vnr("2711093342")], policy=policy)
    assert out.of("PERSONAL_MAILBOX")[0].message == "Privéadres k@gmail.com: bel eerst."


@pytest.mark.parametrize(("text", "line", "words"), [
    ('[severities]\nCC_OVERREACH = "warn"\nFULL_BESCHIKKING = \n', 3, "invalid TOML"),
    ('[severities\nCC_OVERREACH = "warn"\n', 1, "invalid TOML"),
    ('# comment\n[severities]\nCC_OVERREECH = "warn"\n', 3, "unknown rule 'CC_OVERREECH'"),
    ('[severities]\nCC_OVERREACH = "hoog"\n', 2, "bad severity 'hoog'"),
    ('[severity_variants.SPECIAL_OUTSIDE_CHAIN]\nnidos = "warn"\npolitie = "warn"\n', 3, "unknown variant 'politie'"),
    ('[thresholds]\ncc_count = 3\nbulk_persoons = 4\n', 3, "unknown threshold 'bulk_persoons'"),
    ('[thresholds]\ncc_count = "drie"\n', 2, "must be a number"),
    ('[domains]\n"nieuw.nl" = "ONBEKEND"\n', 2, "unknown organisation 'ONBEKEND'"),
    ('[organisations.X]\nname = "X"\ncategory = "partner"\n', 3, "unknown category 'partner'"),
    ('[severites]\nCC_OVERREACH = "warn"\n', 1, "unknown section or key 'severites'"),
])
def test_broken_policy_names_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = overlay(tmp_path, text, "mijn-policy.toml")
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    assert err.value.line == line
    assert words in str(err.value)
    assert str(err.value).startswith(f"{path}, line {line}")


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "bestaat-niet.toml")


def test_cli_reports_a_broken_policy_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from scanner.cli import main

    mail = tmp_path / "m.eml"
    mail.write_text("From: a@ind.nl\nTo: b@coa.nl\nSubject: x\n\nHallo\n", encoding="utf-8")
    code = main(["scan", str(mail), "--policy", str(overlay(tmp_path, '[severities]\nX = "warn"\n'))])
    err = capsys.readouterr().err
    assert code == 2
    assert "line 2" in err and "Traceback" not in err


@pytest.mark.parametrize("text", [
    '[domains]\n"x.nl" = ["IND"]\n',
    '[matrix]\n"Nieuw" = "IND"\n',
    '[organisations.X]\nname = "X"\ncategory = "ngo"\nmatrix_rows = "IND"\n',
    '[channels.zoom]\nphrases = ["(unclosed"]\n',
    'severities = "block"\n',
])
def test_odd_values_give_a_policy_error_not_a_traceback(tmp_path: Path, text: str) -> None:
    with pytest.raises(PolicyError):
        load_policy(overlay(tmp_path, text))

"""Scenario files: what a lecturer saves must come back identical, and a damaged file must
say what is wrong without ever costing the lecturer a good file."""
import json
import os
import stat

import numpy as np
import pytest

import hpgwidgets as hpg
from hpgwidgets.scenario import (FORMAT, MAX_FILE_BYTES, MAX_NESTING, MAX_VIEW_DAYS, VERSION, Scenario,
                                 list_scenarios, load_scenario)

PRESETS = list_scenarios()


def lecture_scenario():
    regimen = hpg.Regimen([
        hpg.Dose("testosterone_cypionate", amount=100, every_days=7, start_day=0, stop_day=120),
        hpg.Dose("hcg", amount=250, every_days=3.5, start_day=14, stop_day=120),
        hpg.Dose("clomiphene", amount=25, every_days=1, start_day=120, stop_day=210),
    ])
    patient = hpg.Patient(age=52, baseline_testosterone=420)
    return Scenario(
        regimen,
        patient,
        view={"days": 300, "variables": ["lh", "sperm"]},
        title="Week 6: restarting the axis",
        notes="Gonadorelin doses are in µg; ask the class to predict the LH curve first.",
    )


def test_round_trip_keeps_every_field(tmp_path):
    original = lecture_scenario()
    path = original.save(tmp_path / "week6.json")
    loaded = Scenario.load(path)

    assert loaded.regimen.to_dict() == original.regimen.to_dict()
    assert loaded.patient == original.patient
    assert loaded.view == original.view
    assert (loaded.title, loaded.notes) == (original.title, original.notes)
    assert loaded == original


def test_saved_file_is_small_readable_versioned_json(tmp_path):
    path = lecture_scenario().save(tmp_path / "week6.json")
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert (data["format"], data["version"]) == (FORMAT, VERSION) == ("hpgwidgets-scenario", 1)
    assert data["regimen"]["doses"][1] == {
        "drug": "hcg", "amount": 250, "every_days": 3.5, "start_day": 14, "stop_day": 120,
    }
    assert data["patient"]["age"] == 52
    assert data["view"] == {"days": 300, "variables": ["lh", "sperm"]}
    assert "µg" in text  # written as readable UTF-8, not \u escapes
    assert text.count("\n") > 10 and len(text) < 4000  # indented, and small
    assert [p.name for p in tmp_path.iterdir()] == ["week6.json"]  # no temporary file left behind


def test_loaded_scenario_simulates_the_same_as_the_original(tmp_path):
    original = lecture_scenario()
    loaded = Scenario.load(original.save(tmp_path / "s.json"))
    first, second = original.simulate(), loaded.simulate()
    assert first.t[-1] == second.t[-1] == 300
    for variable in ("testosterone", "lh", "sperm"):
        np.testing.assert_array_equal(first[variable], second[variable])


def test_view_defaults_are_filled_in():
    scenario = Scenario(hpg.Regimen())
    assert scenario.days == 365
    assert scenario.variables == ("testosterone", "lh", "fsh", "sperm")
    assert scenario.patient == hpg.Patient()


def test_saving_over_an_existing_file_replaces_it(tmp_path):
    path = tmp_path / "s.json"
    lecture_scenario().save(path)
    lecture_scenario().replace(title="Revised").save(path)
    assert Scenario.load(path).title == "Revised"


@pytest.mark.parametrize("mode", [0o644, 0o664, 0o600, 0o640])
def test_saving_over_a_file_keeps_its_permissions(tmp_path, mode):
    path = tmp_path / "shared.json"
    lecture_scenario().save(path)
    path.chmod(mode)
    lecture_scenario().replace(title="Revised").save(path)
    assert path.stat().st_mode & 0o7777 == mode
    assert Scenario.load(path).title == "Revised"


def test_a_new_file_gets_the_users_usual_permissions(tmp_path):
    old_umask = os.umask(0o022)
    try:
        path = lecture_scenario().save(tmp_path / "new.json")
    finally:
        os.umask(old_umask)
    assert path.stat().st_mode & 0o777 == 0o644


def test_saving_through_a_symlink_updates_the_target_and_keeps_the_link(tmp_path):
    (tmp_path / "store").mkdir()
    target = lecture_scenario().save(tmp_path / "store" / "week6.json")
    link = tmp_path / "current.json"
    link.symlink_to(target)
    lecture_scenario().replace(title="Through the link").save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert Scenario.load(target).title == "Through the link"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current.json", "store"]
    assert [p.name for p in (tmp_path / "store").iterdir()] == ["week6.json"]


def test_a_file_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "from-windows.json"
    path.write_bytes(b"\xef\xbb\xbf" + good_text().encode("utf-8"))
    assert Scenario.load(path) == lecture_scenario()


def test_saving_refuses_a_scenario_larger_than_the_file_cap(tmp_path):
    with pytest.raises(ValueError, match="1,000,000"):
        lecture_scenario().replace(notes="x" * MAX_FILE_BYTES).save(tmp_path / "huge.json")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "arguments, error, message",
    [
        ({"regimen": {"doses": []}}, TypeError, "regimen must be an hpgwidgets.Regimen"),
        ({"regimen": hpg.Regimen(), "patient": {"age": 40}}, TypeError, "patient must be an hpgwidgets.Patient"),
        ({"regimen": hpg.Regimen(), "view": {"days": 0}}, ValueError, r"view\.days.*1 to 3650"),
        ({"regimen": hpg.Regimen(), "view": {"days": 365.5}}, ValueError, r"view\.days.*whole number"),
        ({"regimen": hpg.Regimen(), "view": {"days": "365"}}, TypeError, r"view\.days.*whole number"),
        ({"regimen": hpg.Regimen(), "view": {"zoom": 2}}, ValueError, r"unknown keys \['zoom'\].*allowed keys"),
        ({"regimen": hpg.Regimen(), "view": {"variables": ["lh", "libido"]}}, ValueError,
         r"\['libido'\].*allowed.*'fsh'"),
        ({"regimen": hpg.Regimen(), "view": {"variables": []}}, ValueError, "non-empty list"),
        ({"regimen": hpg.Regimen(), "title": 3}, TypeError, "field 'title' must be text"),
    ],
)
def test_bad_scenarios_are_refused_when_built_in_code(arguments, error, message):
    with pytest.raises(error, match=message):
        Scenario(**arguments)


@pytest.mark.parametrize("days", [np.int64(365), np.int32(365), 365.0, np.float64(365.0)])
def test_view_days_accepts_numpy_integers_and_whole_floats(days):
    scenario = Scenario(hpg.Regimen(), view={"days": days})
    assert scenario.days == 365 and type(scenario.days) is int
    assert json.loads(scenario.to_json())["view"]["days"] == 365


def test_a_scenario_is_deeply_immutable():
    scenario = lecture_scenario()
    with pytest.raises(TypeError):
        scenario.view["days"] = 10
    with pytest.raises(AttributeError):
        scenario.regimen.doses = ()
    with pytest.raises(AttributeError):
        scenario.patient.age = 20
    with pytest.raises(AttributeError):
        scenario.title = "changed"
    assert isinstance(scenario.variables, tuple) and isinstance(scenario.regimen.doses, tuple)
    changed = scenario.replace(view={**scenario.view, "days": 100})
    assert (changed.days, scenario.days) == (100, 300)
    assert hash(scenario) == hash(lecture_scenario())


# ---- presets ---------------------------------------------------------------------------

def test_the_teaching_presets_ship_with_the_package():
    assert {
        "trt_alone", "trt_plus_hcg", "recovery_with_clomiphene", "gonadorelin_pump",
        "gonadorelin_continuous", "older_man_low_reserve", "untreated_baseline",
    } <= set(PRESETS)


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_loads_and_simulates_to_finite_clinical_values(name):
    scenario = load_scenario(name)
    assert scenario.title and len(scenario.notes) > 80
    result = scenario.simulate()
    assert result.t[0] == 0 and result.t[-1] == scenario.days
    for variable in scenario.variables:
        values = result[variable]
        assert np.all(np.isfinite(values)) and np.all(values >= 0), f"{name}: {variable}"


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_file_is_exactly_what_saving_it_again_writes(name, tmp_path):
    # Presets are ordinary scenario files: no hidden fields, nothing the loader drops.
    shipped = hpg.scenario.scenarios_dir() / f"{name}.json"
    resaved = load_scenario(name).save(tmp_path / f"{name}.json")
    assert json.loads(resaved.read_text()) == json.loads(shipped.read_text())


def test_unknown_preset_name_lists_the_presets():
    with pytest.raises(ValueError, match=r"unknown scenario 'trt'.*'trt_alone'"):
        load_scenario("trt")


def test_trt_alone_preset_shows_suppression_then_recovery():
    scenario = load_scenario("trt_alone")
    result = scenario.simulate()
    treatment_end = max(dose.stop_day for dose in scenario.regimen.doses)
    assert result.at(treatment_end - 7)["lh"] < 0.2 * result.baseline["lh"]
    assert result.at(treatment_end)["sperm"] < 0.5 * result.baseline["sperm"]
    assert result.at(scenario.days)["lh"] > 0.5 * result.baseline["lh"]


def test_hcg_preset_keeps_intratesticular_testosterone_above_trt_alone():
    end = 364
    alone = load_scenario("trt_alone").simulate().at(end)
    with_hcg = load_scenario("trt_plus_hcg").simulate().at(end)
    assert with_hcg["itt"] > 2 * alone["itt"]
    assert with_hcg["sperm"] > alone["sperm"]


def test_clomiphene_preset_brings_lh_back_sooner_than_stopping_alone():
    day = 365 + 45
    alone = load_scenario("trt_alone").simulate().at(day)
    clomiphene = load_scenario("recovery_with_clomiphene").simulate().at(day)
    assert clomiphene["lh"] > alone["lh"]


def test_pump_restores_lh_where_near_continuous_gonadorelin_does_not():
    day = 120
    pump = load_scenario("gonadorelin_pump").simulate()
    continuous = load_scenario("gonadorelin_continuous").simulate()
    assert pump.at(day)["lh"] > pump.baseline["lh"]
    assert continuous.at(day)["lh"] < pump.at(day)["lh"]
    assert continuous.at(day)["gnrh_receptor"] < pump.at(day)["gnrh_receptor"]


def test_older_man_recovers_less_completely_than_the_younger_man():
    day = 2 * 365
    young = load_scenario("trt_alone").simulate()
    older = load_scenario("older_man_low_reserve").simulate()
    assert older.relative("sperm")[day] < young.relative("sperm")[day]


# ---- damaged files ---------------------------------------------------------------------

def good_text():
    return lecture_scenario().to_json()


def edited(**changes):
    data = json.loads(good_text())
    for dotted, value in changes.items():
        target = data
        *parents, last = dotted.split("__")
        for key in parents:
            target = target[key]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
    return json.dumps(data, indent=2)


DELETE = object()

DAMAGED_FILES = {
    "empty": ("", "file is empty"),
    "truncated": (lambda: good_text()[: len(good_text()) // 2], r"not valid JSON.*looks truncated"),
    "truncated_in_a_string": (lambda: good_text()[: good_text().index("restarting")], r"looks truncated"),
    "not_json": ("regimen: testosterone weekly\n", r"not valid JSON at line 1, column 1: Expecting value$"),
    "garbage_after_a_brace": ("{garbage, not json at all}\n", r"Expecting property name[^(]*$"),
    "garbage_in_the_middle": (lambda: good_text().replace('"title"', "title", 1), r"Expecting property name[^(]*$"),
    "too_large": (lambda: good_text() + " " * MAX_FILE_BYTES, r"larger than 1,000,000 bytes"),
    "deeply_nested": ("[" * 100_000 + "]" * 100_000, rf"nested more than {MAX_NESTING} levels"),
    "deeply_nested_in_a_field": (lambda: edited(notes=[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]),
                                 "nested more than"),
    "huge_integer": ('{"format": "hpgwidgets-scenario", "version": 1' + "0" * 5000 + "}", "not a scenario file"),
    "days_infinite": (lambda: edited(view__days=1).replace('"days": 1', '"days": 1e400'), r"view\.days.*whole number"),
    "dose_as_text": (lambda: edited(regimen={"doses": ["hcg 500"]}), r"field 'regimen'.*mapping"),
    "doses_not_a_list": (lambda: edited(regimen={"doses": "hcg"}), r"field 'regimen'.*list"),
    "drug_as_list": (lambda: edited(regimen={"doses": [{"drug": ["hcg"], "amount": 5, "every_days": 2}]}),
                     r"field 'regimen'.*drug must be one of"),
    "title_as_number": (lambda: edited(title=5), r"field 'title' must be text"),
    "view_as_list": (lambda: edited(view=[365]), r"field 'view' must be an object"),
    "patient_origin_unknown": (lambda: edited(patient__low_testosterone_origin="brain"),
                               r"field 'patient'.*low_testosterone_origin must be one of"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8 text"),
    "json_list": ("[1, 2, 3]\n", "must be a JSON object"),
    "other_format": (lambda: edited(format="jupyter-notebook"), r"field 'format' must be 'hpgwidgets-scenario'"),
    "newer_version": (lambda: edited(version=2), r"version' is 2 \(written by a newer hpgwidgets"),
    "version_as_text": (lambda: edited(version="1"), r"field 'version' must be the whole number 1"),
    "version_infinite": (lambda: edited(version=2).replace('"version": 2', '"version": 1e400'),
                         r"field 'version' must be the whole number 1, got inf"),
    "regimen_unknown_key": (lambda: edited(regimen__dosage=[]), r"field 'regimen'.*unknown keys \['dosage'\]"),
    "title_lone_surrogate": (lambda: edited(title="x").replace('"title": "x"', '"title": "\\udc80"'),
                             r"field 'title' must be text that UTF-8 can store.*lone surrogate"),
    "missing_regimen": (lambda: edited(regimen=DELETE), r"missing fields \['regimen'\]"),
    "unknown_field": (lambda: edited(dose="200 mg"), r"unknown fields \['dose'\]; allowed fields"),
    "unknown_drug": (
        lambda: edited(regimen={"doses": [{"drug": "nandrolone", "amount": 100, "every_days": 7}]}),
        r"field 'regimen'.*nandrolone",
    ),
    "negative_amount": (
        lambda: edited(regimen={"doses": [{"drug": "hcg", "amount": -500, "every_days": 2}]}),
        r"field 'regimen'.*amount",
    ),
    "nan_amount": (
        lambda: edited(regimen={"doses": [{"drug": "hcg", "amount": 1, "every_days": 2}]}).replace(
            '"amount": 1', '"amount": NaN'
        ),
        r"NaN is not a number a scenario may hold",
    ),
    "patient_too_young": (lambda: edited(patient__age=9), r"field 'patient'.*age"),
    "patient_unknown_field": (lambda: edited(patient__height=180), r"field 'patient'.*height"),
    "days_as_text": (lambda: edited(view__days="365"), r"view\.days.*whole number"),
    "too_many_days": (lambda: edited(view__days=MAX_VIEW_DAYS + 1), r"view\.days.*1 to 3650"),
    "misspelt_variable": (lambda: edited(view__variables=["testosteron"]), r"\['testosteron'\].*allowed"),
    "duplicate_key": (
        lambda: good_text().replace('"title":', '"version": 1,\n  "title":', 1),
        r"keys \['version'\] appear more than once",
    ),
}


@pytest.mark.parametrize("kind", sorted(DAMAGED_FILES))
def test_damaged_file_gives_a_clear_error_naming_the_file(kind, tmp_path):
    content, message = DAMAGED_FILES[kind]
    content = content() if callable(content) else content
    path = tmp_path / f"{kind}.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    before = path.read_bytes()

    with pytest.raises(ValueError, match=message) as error:
        Scenario.load(path)
    assert str(path) in str(error.value)
    assert path.read_bytes() == before  # loading never rewrites the file


def test_a_failed_save_leaves_the_good_file_intact_and_no_temporary_file(tmp_path, monkeypatch):
    path = lecture_scenario().save(tmp_path / "lecture.json")
    good = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        lecture_scenario().replace(title="half-written").save(path)

    assert path.read_bytes() == good
    assert Scenario.load(path) == lecture_scenario()
    assert [p.name for p in tmp_path.iterdir()] == ["lecture.json"]


def test_a_crash_at_rename_leaves_the_good_file_intact(tmp_path, monkeypatch):
    path = lecture_scenario().save(tmp_path / "lecture.json")
    good = path.read_bytes()

    def crash(source, destination):
        raise KeyboardInterrupt  # the lecturer pressed Ctrl-C at the worst moment

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        lecture_scenario().replace(title="never written").save(path)
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["lecture.json"]


def test_concurrent_saves_leave_one_whole_scenario_and_no_temporary_files(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "shared.json"
    titles = [f"Save {number}" for number in range(16)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda title: lecture_scenario().replace(title=title).save(path), titles))
    assert Scenario.load(path).title in titles
    assert [p.name for p in tmp_path.iterdir()] == ["shared.json"]


# ---- paths that are not a scenario file --------------------------------------------------

def test_a_named_pipe_is_refused_before_it_is_opened(tmp_path):
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)  # opening it for reading would wait forever for a writer
    with pytest.raises(ValueError, match=r"pipe\.json: not a regular file"):
        Scenario.load(pipe)
    with pytest.raises(ValueError, match="not a regular file"):
        Scenario.load(tmp_path)


def test_saving_over_a_named_pipe_is_refused_and_the_pipe_stays(tmp_path):
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)  # renaming a file over it would silently replace the pipe
    with pytest.raises(ValueError, match=r"pipe\.json: not a regular file \(a pipe or device\)"):
        lecture_scenario().save(pipe)
    assert stat.S_ISFIFO(pipe.stat().st_mode) and [p.name for p in tmp_path.iterdir()] == ["pipe.json"]


def test_saving_to_an_empty_path_or_a_folder_names_the_users_path(tmp_path):
    for path in ("", tmp_path):
        with pytest.raises(IsADirectoryError, match="is a folder or empty; save to a file path") as error:
            lecture_scenario().save(path)
        assert repr(str(path)) in str(error.value) or str(path) in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_saving_into_a_missing_folder_names_that_folder_not_a_temporary_file(tmp_path):
    target = tmp_path / "no-such-folder" / "s.json"
    with pytest.raises(FileNotFoundError) as error:
        lecture_scenario().save(target)
    message = str(error.value)
    assert str(target) in message and "does not exist" in message and ".tmp" not in message


def test_a_title_with_a_lone_surrogate_is_refused_when_built_not_when_saved():
    with pytest.raises(ValueError, match=r"field 'title' must be text that UTF-8 can store"):
        Scenario(hpg.Regimen(), title="bad \udc80 title")
    with pytest.raises(ValueError, match=r"field 'notes'"):
        lecture_scenario().replace(notes="\ud800")

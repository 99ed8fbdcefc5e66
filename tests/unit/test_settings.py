"""dlimgmgr_tasks/settings.py: the Workspace from Invoke's context, flags, one-line errors, --dry."""
import invoke
import pytest
from invoke import Exit

from dlimgmgr_tasks import settings
from dlimgmgr_tasks.lib.invconfig import plain
from dlimgmgr_tasks.lib.errors import UserError


def test_workspace_from_the_context_and_the_profile_flag(ws, context):
    c = context(ws)
    got = settings.workspace(c)
    assert got.root == ws.root and got.profile.name == "ssd"
    assert settings.workspace(c, "resnet34").profile.size == (64, 64)     # the flag beats config
    assert not settings.is_dry(c) and settings.is_dry(context(ws, dry=True))
    assert settings.pick(None, 3) == 3 and settings.pick(0, 3) == 0
    assert plain(c.config.dlimgmgr)["mix"]["formats"] == ["voc"]


def test_show_plan(capsys):
    settings.show_plan(["would do a", "would do b"])
    assert capsys.readouterr().out == "dry run: nothing is changed\nwould do a\nwould do b\n"


def test_user_errors_become_one_line_exits():
    def raiser(exc):
        @settings.user_errors
        def body():
            raise exc
        with pytest.raises(Exit) as err:
            body()
        return err.value
    assert (raiser(UserError("x.yaml: bad; fix it")).message, raiser(UserError("a")).code) == \
        ("error: x.yaml: bad; fix it", 1)
    full = raiser(OSError(28, "No space left on device", "/data/x"))
    assert full.code == 1 and full.message.startswith("error: /data/x: No space left on device; free space")
    said = raiser(KeyboardInterrupt("interrupted: the dataset in place is v1"))
    assert said.code == 130 and said.message == "interrupted: the dataset in place is v1"
    assert raiser(KeyboardInterrupt()).message == "interrupted (Ctrl-C); run it again to finish"


def test_flags_get_short_names_and_checked_kinds():
    @settings.task
    def demo(c, jobs=None, name=None, train=None):
        """demo."""
    args = {a.name: a for a in demo.get_arguments()}
    assert sorted(args["jobs"].names) == ["j", "jobs"] and args["jobs"].kind is int
    assert args["train"].kind is float and "n" in args["name"].names
    with pytest.raises(invoke.ParseError, match="error: --jobs must be a whole number \\(got 'many'\\)"):
        args["jobs"].set_value("many")


def test_config_clash_names_the_key():
    assert settings._clash({"mix": {"train": 0.8}}, {"mix": 0.5}) == (("mix",), {"train": 0.8}, 0.5)
    assert settings._clash({"mix": {"train": 0.8}}, {"mix": {"train": {"a": 1}}}) == (("mix", "train"), 0.8,
                                                                                      {"a": 1})
    assert settings._clash({"a": 1}, {"b": {}}) is None


def test_a_broken_invoke_yaml_is_one_line(tmp_path, monkeypatch):
    from invoke import config as iconfig

    for name in ("_load_yaml", "_load_yml", "merge"):     # restored after the test
        monkeypatch.setattr(iconfig.Config, name, getattr(iconfig.Config, name))
    monkeypatch.setattr(iconfig.Config, "_dl_guarded", False, raising=False)
    settings.guard_invoke_config()
    bad = tmp_path / "invoke.yaml"
    bad.write_text("dlimgmgr: [\n")
    with pytest.raises(Exit) as err:
        iconfig.Config(project_location=str(tmp_path)).load_project()
    assert err.value.code == 1 and err.value.message.startswith(f"error: {bad}: not readable YAML (")
    bad.write_text("- a list\n")
    with pytest.raises(Exit, match="must be a mapping of settings"):
        iconfig.Config(project_location=str(tmp_path)).load_project()

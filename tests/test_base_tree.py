from helpers import TODAY, run


def test_base_tree_is_valid(repo):
    result = run(repo, "validate", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output

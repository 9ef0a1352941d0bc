"""SIGKILL under write load: nothing acknowledged is lost or doubled; the journal verifies; integrity_check ok."""
import crash_run


def test_twenty_sigkill_cycles_under_sixteen_writing_clients():
    result = crash_run.run(20, log=lambda line: None)
    assert result["cycles"] == 20
    assert result["staff"] > 100 and result["uses"] > 100, result

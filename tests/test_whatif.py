"""Re-scoring under other weights (pbcheck.whatif.reweight), and the package's imports."""

import subprocess
import sys

import pytest

from pbcheck.errors import ValidationError
from pbcheck.examples.small import org_tree, two_section_example
from pbcheck.whatif.reweight import reweight, what_if


class TestReweight:
    def test_sections_below_are_rescaled(self):
        """60/40: the second section's indicator is now worth 40 points."""
        rubric, _ = two_section_example()
        varied = reweight(rubric, {"常规": 60, "服务": 40})
        assert varied.points_of("F") == 40
        assert varied.points_of("R") == 60
        assert varied.version == rubric.version

    def test_weights_must_sum_exactly_unless_normalising(self):
        """6/4 is an error, or 60/40 with normalise=True."""
        rubric, _ = two_section_example()
        with pytest.raises(ValidationError, match="invalid weights"):
            reweight(rubric, {"常规": 6, "服务": 4})
        assert (
            reweight(rubric, {"常规": 6, "服务": 4}, normalise=True).points_of("R")
            == 60
        )

    def test_unknown_missing_and_inexact_weights(self):
        """Every problem of the weights is reported at once."""
        rubric, _ = two_section_example()
        with pytest.raises(ValidationError) as info:
            reweight(rubric, {"常规": 0.6, "其他": 40})
        assert len(info.value.problems) == 3

    def test_a_weight_is_named_by_its_key(self):
        """Weights are a mapping: each problem is at a name step, ``weights["服务"]``."""
        rubric, _ = two_section_example()
        with pytest.raises(ValidationError) as info:
            reweight(rubric, {"常规": 0.6, "其他": 40})
        assert sorted(p.steps for p in info.value.problems) == [
            ("weights", "其他"),
            ("weights", "常规"),
            ("weights", "服务"),
        ]
        assert 'weights["服务"]' in [p.path for p in info.value.problems]


class TestWhatIf:
    def test_rank_grade_and_list_changes(self):
        """70/30 → 60/40 swaps a and b."""
        rubric, evaluations = two_section_example()
        tree = org_tree({"政府工作部门": ["a", "b"]})
        report = what_if(rubric, evaluations, {"常规": 60, "服务": 40}, tree=tree)
        assert [(c.unit_id, c.before, c.after) for c in report.rank_changes] == [
            ("a", 1, 2),
            ("b", 2, 1),
        ]
        assert report.bottom_added == ("a",)
        assert report.bottom_removed == ("b",)
        assert "  新增后位：a" in report.lines()


def test_what_if_modules_load_no_examples_or_strategies():
    """Importing every what-if module loads neither example data nor test strategies."""
    code = (
        "import sys\n"
        "import pbcheck.whatif.reweight, pbcheck.whatif.sweep\n"
        "import pbcheck.whatif.simulation\n"
        "print(sorted(m for m in sys.modules\n"
        "             if m.startswith(('pbcheck.examples', 'pbcheck.testing'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"

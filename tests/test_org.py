import pytest
from hypothesis import given

from pbcheck import OrgTree, OrgUnit, UnitKind, ValidationError
from pbcheck.errors import DuplicateIdError, OrgTreeCycleError, UnknownReferenceError
from pbcheck.testing import org_trees


def unit(id, parent=None, series=None):
    return OrgUnit(id, f"单位{id}", UnitKind.BRANCH, parent=parent, series=series)


class TestOrgTreeValidation:
    def test_every_problem_reported_at_once(self):
        """Duplicate ids, unknown parents and loops are all reported together, with paths."""
        with pytest.raises(ValidationError) as caught:
            OrgTree(
                [
                    unit("a"),
                    unit("a"),
                    unit("b", "ghost"),
                    unit("c", "d"),
                    unit("d", "c"),
                ]
            )
        kinds = {type(p) for p in caught.value.problems}
        assert kinds == {DuplicateIdError, UnknownReferenceError, OrgTreeCycleError}
        paths = [p.path for p in caught.value.problems]
        assert "tree.units[1].id" in paths
        assert "tree.units[b].parent" in paths

    def test_loop_message_names_its_members(self):
        """A parent loop is named member by member."""
        with pytest.raises(ValidationError) as caught:
            OrgTree([unit("x", "z"), unit("y", "x"), unit("z", "y")])
        (problem,) = caught.value.problems
        assert "x → z → y → x" in problem.message

    def test_unknown_series_rejected_when_series_are_closed(self):
        """With a closed set of series, a typo such as 政府部门 is an error."""
        with pytest.raises(ValidationError) as caught:
            OrgTree([unit("a", series="政府部门")], series=["政府工作部门"])
        assert caught.value.problems[0].value == "政府部门"

    def test_empty_id_rejected(self):
        """Ids must be non-empty text."""
        with pytest.raises(ValueError, match="non-empty"):
            OrgUnit(" ", "名称", "branch")


class TestOrgTreeQueries:
    tree = OrgTree(
        [
            OrgUnit("gw", "机关工委", UnitKind.WORKING_COMMITTEE),
            unit("a", "gw", "政府工作部门"),
            unit("a1", "a"),
            unit("a2", "a"),
            unit("b", "gw", "党群部门"),
        ]
    )

    def test_parent_children_descendants_path(self):
        """Tree queries follow parent links in tree order."""
        assert self.tree.parent("a1").id == "a"
        assert self.tree.parent("gw") is None
        assert [u.id for u in self.tree.children("a")] == ["a1", "a2"]
        assert [u.id for u in self.tree.descendants("gw")] == ["a", "a1", "a2", "b"]
        assert [u.id for u in self.tree.path("a2")] == ["gw", "a", "a2"]

    def test_groups(self):
        """Units group by series in tree order."""
        groups = self.tree.by_series()
        assert [u.id for u in groups["政府工作部门"]] == ["a"]
        assert [u.id for u in groups[None]] == ["gw", "a1", "a2"]

    def test_unknown_id_is_a_key_error(self):
        """Asking for a unit that is not there raises KeyError."""
        with pytest.raises(KeyError):
            self.tree.children("nope")

    @given(org_trees())
    def test_every_path_starts_at_a_root(self, tree):
        """Every unit's path runs from a root down to it; descendants never include itself."""
        roots = {u.id for u in tree.roots}
        for member in tree:
            path = tree.path(member.id)
            assert path[0].id in roots
            assert path[-1] == member
            assert member not in tree.descendants(member.id)


class TestGroupings:
    """Groupings (issue 14 §9): "A unit can belong to several groupings (e.g. 8
    党建联系片 and 5 纪检联系片); rankings and reports can be made by any of them."
    """

    def test_a_unit_belongs_to_several_groupings(self):
        """One group in each grouping; the tree lists the groupings in order of use."""
        tree = OrgTree(
            [
                OrgUnit(
                    "a",
                    "甲",
                    "branch",
                    liaison_group="第一联系片",
                    groupings={"党建联系片": "一片", "纪检联系片": "二片"},
                ),
                OrgUnit("b", "乙", "branch", groupings={"纪检联系片": "二片"}),
            ]
        )
        assert tree.groupings == ("党建联系片", "纪检联系片")
        assert tree["a"].group_of("党建联系片") == "一片"
        assert tree["a"].group_of("liaison_group") == "第一联系片"
        assert tree["b"].group_of("党建联系片") is None
        groups = tree.by_grouping("纪检联系片")
        assert {k: [u.id for u in v] for k, v in groups.items()} == {"二片": ["a", "b"]}

    def test_bad_groupings_are_named_by_unit_and_grouping(self):
        """Empty names, empty groups and reserved names are all reported at once."""
        with pytest.raises(ValidationError) as caught:
            OrgUnit(
                "a",
                "甲",
                "branch",
                groupings={"": "一片", "纪检联系片": " ", "series": "x"},
            )
        assert [p.path for p in caught.value.problems] == [
            'unit[a].groupings[""]',
            'unit[a].groupings["纪检联系片"]',
            "unit[a].groupings.series",
        ]
        assert "reserved" in caught.value.problems[2].message

    def test_not_a_mapping(self):
        """A list of pairs is refused with the field named, not guessed."""
        with pytest.raises(ValueError, match="mapping"):
            OrgUnit("a", "甲", "branch", groupings=[("纪检联系片", "一片")])

    def test_the_caller_dict_is_copied_and_units_stay_hashable(self):
        """Changing the given dict later does not change the unit; a unit still hashes."""
        given = {"纪检联系片": "一片"}
        unit = OrgUnit("a", "甲", "branch", groupings=given)
        given["纪检联系片"] = "二片"
        assert unit.groupings == {"纪检联系片": "一片"}
        assert hash(unit) == hash(OrgUnit("a", "甲", "branch"))
        assert unit != OrgUnit("a", "甲", "branch")

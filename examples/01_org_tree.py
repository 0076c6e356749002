"""Step 1 of the tutorial: the organisation tree (组织体系) of the bundled example.

Run: python examples/01_org_tree.py
"""

from pbcheck.examples import example_tree


def main() -> None:
    tree = example_tree()
    root = tree.roots[0]
    print(f"{root.name}：直属党组织 {len(tree.children(root.id))} 个")
    print("按系列：")
    for series, units in tree.by_series().items():
        if series is not None:
            print(f"  {series} {len(units)} 个")
    print("按联系片：")
    for group, units in tree.by_liaison_group().items():
        if group is not None:
            print(f"  {group} {len(units)} 个")
    unit = tree["ZF01"]
    print(
        f"{unit.id} {unit.name}（{unit.kind.label_zh}，{unit.series}，{unit.liaison_group}）"
    )
    for person in unit.responsible:
        print(f"  责任人：{person.title} {person.name}")


if __name__ == "__main__":
    main()

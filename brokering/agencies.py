"""Reference data on federal agencies."""

# The 24 agencies of the Chief Financial Officers Act (31 U.S.C. 901(b)):
# (name, abbreviation, CGAC agency code).
CFO_ACT_AGENCIES = [
    ("Department of Agriculture", "USDA", "012"),
    ("Department of Commerce", "DOC", "013"),
    ("Department of Defense", "DOD", "097"),
    ("Department of Education", "ED", "091"),
    ("Department of Energy", "DOE", "089"),
    ("Department of Health and Human Services", "HHS", "075"),
    ("Department of Homeland Security", "DHS", "070"),
    ("Department of Housing and Urban Development", "HUD", "086"),
    ("Department of the Interior", "DOI", "014"),
    ("Department of Justice", "DOJ", "015"),
    ("Department of Labor", "DOL", "016"),
    ("Department of State", "DOS", "019"),
    ("Department of Transportation", "DOT", "069"),
    ("Department of the Treasury", "TREAS", "020"),
    ("Department of Veterans Affairs", "VA", "036"),
    ("Environmental Protection Agency", "EPA", "068"),
    ("National Aeronautics and Space Administration", "NASA", "080"),
    ("Agency for International Development", "USAID", "072"),
    ("General Services Administration", "GSA", "047"),
    ("National Science Foundation", "NSF", "049"),
    ("Nuclear Regulatory Commission", "NRC", "031"),
    ("Office of Personnel Management", "OPM", "024"),
    ("Small Business Administration", "SBA", "073"),
    ("Social Security Administration", "SSA", "028"),
]

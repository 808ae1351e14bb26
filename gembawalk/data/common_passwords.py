"""Generate gembawalk/data/common_passwords.txt: common and breached-style passwords of 12+
characters from well-known patterns. Run: python -m gembawalk.data.common_passwords"""

import itertools
from pathlib import Path

words = """password passw0rd p@ssw0rd p@ssword pa55word letmein welcome iloveyou admin administrator
monkey dragon football baseball basketball soccer hockey sunshine princess starwars superman
batman trustno1 whatever master shadow michael jennifer jordan liverpool chelsea arsenal
manchester charlie freedom computer internet qwerty qwertyuiop asdfghjkl zxcvbnm azerty
abc123 abcdef abcdefgh changeme secret login access hello hello123 summer winter autumn spring
january february december monday friday london paris berlin newyork chicago london1 mustang
harley ranger buster tigger ginger pepper cookie chocolate banana orange apple cheese flower
butterfly rainbow purple diamond silver golden killer hunter thomas robert daniel matthew
andrew joshua jessica ashley amanda michelle nicole hannah sophie charlotte oliver george
william samsung google facebook microsoft windows linux ubuntu oracle mysql postgres
password1 welcome1 iloveyou1 letmein1 company office default guest user manager director
coach gemba gembawalk kaizen toyota lean walking customer service support helpdesk""".split()  # noqa: SIM905  (a word list reads better as text)
suffixes = (
    [
        "",
        "1",
        "12",
        "123",
        "1234",
        "12345",
        "123456",
        "1234567",
        "12345678",
        "!",
        "!!",
        "1!",
        "123!",
        "1234!",
        "@123",
        "#1",
        "01",
        "007",
        "69",
        "99",
        "00",
        "2000",
        "321",
        "4321",
        "54321",
        "111",
        "000",
        "password",
    ]
    + [str(y) for y in range(1990, 2031)]
    + [f"{y}!" for y in range(2015, 2031)]
    + [f"@{y}" for y in range(2018, 2031)]
)
out = set()
for w in words:
    for s in suffixes:
        for form in (w, w.capitalize(), w.upper()):
            candidate = form + s
            if len(candidate) >= 12:
                out.add(candidate.lower())
    out.add((w * 4)[: max(12, len(w) * 2)].lower())
    out.add((w + w).lower())
# digit runs and repeats
for n in range(12, 21):
    out.add("".join(str(i % 10) for i in range(1, n + 1)))
    out.add("".join(str(i % 10) for i in range(0, n)))
    out.add("".join(str((10 - i) % 10) for i in range(1, n + 1)))
    for c in "0123456789abcdefghijklmnopqrstuvwxyz!*.":
        out.add(c * n)
# keyboard walks
walks = [
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv",
    "qazwsxedcrfvtgb",
    "1q2w3e4r5t6y7u8i",
    "q1w2e3r4t5y6u7i8",
    "zaq12wsxcde3",
    "!qaz@wsx#edc",
    "qwertyuiopasdfghjkl",
    "poiuytrewq",
    "mnbvcxz",
    "lkjhgfdsa",
    "1234qwerasdfzxcv",
    "qwerty123456",
    "123456qwerty",
    "qwertyuiop123",
    "asdfghjkl123",
    "azertyuiop12",
    "1qaz2wsx",
    "2wsx3edc",
    "qweasdzxc",
    "qweasdzxc123",
    "abcdefghijkl",
    "abcdefghijklmnop",
    "abcd1234efgh",
    "abc123abc123",
    "aaaaaa111111",
    "password1234",
    "passwordpassword",
]
for w in walks:
    for s in ["", "!", "1", "123", "1234"]:
        if len(w + s) >= 12:
            out.add((w + s).lower())
# phrases people believe are strong
for a, b in itertools.product(
    ["ilove", "iloveyou", "ihate", "welcometo", "letmein", "myname", "mypassword", "thisismy"],
    words[:80],
):
    candidate = a + b
    if len(candidate) >= 12:
        out.add(candidate)
        out.add(candidate + "1")
for cand in [
    "correcthorsebatterystaple",
    "correct horse battery staple",
    "thequickbrownfox",
    "the quick brown fox",
    "letmeinplease",
    "passwordistaken",
    "iamtheadmin123",
    "changemenow123",
    "temporary123",
    "temppassword1",
    "newpassword123",
    "mypassword123",
    "password12345",
    "welcome12345",
    "administrator1",
]:
    out.add(cand)
words = sorted(c for c in out if 12 <= len(c) <= 128)
header = [
    "# Common and breached-style passwords of 12 or more characters, refused by the policy.",
    "# Generated from well-known patterns (common words and names with years and digits,",
    "# keyboard walks, repeats, digit runs): compared ignoring case. One per line.",
]
if __name__ == "__main__":
    target = Path(__file__).with_name("common_passwords.txt")
    target.write_text("\n".join(header + words) + "\n")
    print(len(words))

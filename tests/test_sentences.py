from eventwire.sentences import split_sentences


def test_offsets_and_abbreviations():
    text = "Gen. Smith met U.S. officials in Kabul. The army said 3 were killed.\n\nA new paragraph! Dr. Ali agreed."
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "Gen. Smith met U.S. officials in Kabul.", "The army said 3 were killed.", "A new paragraph!",
        "Dr. Ali agreed."]
    assert all(text[s.start:s.end] == s.text for s in sents)
    assert [s.paragraph for s in sents] == [0, 0, 1, 1]


def test_quotes_and_lower_case_continuations():
    text = "“We will fight,” he said. The talks, held in St. Petersburg, ended. it was 3 p.m. when shelling began."
    sents = [s.text for s in split_sentences(text)]
    assert sents[0] == "“We will fight,” he said."
    assert sents[1] == "The talks, held in St. Petersburg, ended. it was 3 p.m. when shelling began."


def test_empty_and_whitespace():
    assert split_sentences("") == []
    assert split_sentences("   \n\n  ") == []

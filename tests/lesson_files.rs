//! The lesson format, proven on the real chapters: the built-in tour is read from
//! `lessons/*.txt`, and each chapter gives exactly the worlds the hand-built chapters gave before
//! the tour became lessons (trace hashes recorded then, step by step). The writer gives text the
//! reader turns back into the same chapter.

use raftsim::scenario::lesson::{self, BUILT_IN};
use raftsim::scenario::tour::chapters;

/// (chapter, step from 0, trace hash at the end of the step) from the Rust-built chapters of
/// commit b72eaba, the last before the tour was read from lesson files.
const TRACES: [(&str, usize, u64); 59] = [
    ("consensus", 0, 0xcbf29ce484222325),
    ("consensus", 1, 0xc46b361879422d20),
    ("consensus", 2, 0x26f570f85c098a16),
    ("consensus", 3, 0x26f570f85c098a16),
    ("roles", 0, 0xcbf29ce484222325),
    ("roles", 1, 0xf06f7ea5cb5f201d),
    ("roles", 2, 0xdc249768bfe772be),
    ("roles", 3, 0x4531001e6f74b8a2),
    ("election", 0, 0xcbf29ce484222325),
    ("election", 1, 0xf06f7ea5cb5f201d),
    ("election", 2, 0xdc249768bfe772be),
    ("election", 3, 0x99a25625a368ac9f),
    ("election", 4, 0x99a25625a368ac9f),
    ("reelection", 0, 0x8e184f0b4e333538),
    ("reelection", 1, 0xab330546b8975bcd),
    ("reelection", 2, 0x859cc8891f91edea),
    ("reelection", 3, 0x859cc8891f91edea),
    ("reelection", 4, 0x3b430e1ac200e54e),
    ("split-vote", 0, 0x09c5a6154e81d433),
    ("split-vote", 1, 0xffd8b84e816e6576),
    ("split-vote", 2, 0xa9fca45b6025bb3f),
    ("split-vote", 3, 0xa9fca45b6025bb3f),
    ("replication", 0, 0xdc249768bfe772be),
    ("replication", 1, 0xd17f3527d8729efc),
    ("replication", 2, 0xbb3d446074bd01ec),
    ("replication", 3, 0xa2dd3b5b41fdc26d),
    ("replication", 4, 0xecfe4e0b09f62022),
    ("partition", 0, 0xc3068e0667afadbd),
    ("partition", 1, 0xd1f72ca26dcc3900),
    ("partition", 2, 0x948ad9f6063b14e1),
    ("partition", 3, 0x6eabc6259f8d7447),
    ("partition", 4, 0xac4b9c911c295bae),
    ("partition", 5, 0x815c23846ec546b6),
    ("partition", 6, 0x4eb00bf74eb35191),
    ("partition", 7, 0x4eb00bf74eb35191),
    ("membership", 0, 0xdc249768bfe772be),
    ("membership", 1, 0xc63c0dcfee2a1a58),
    ("membership", 2, 0xf5b6336223cbb704),
    ("membership", 3, 0xba9ad7644bebfa3c),
    ("membership", 4, 0x880b6225766635e1),
    ("membership", 5, 0x880b6225766635e1),
    ("membership", 6, 0xce860eac40f1aac7),
    ("membership", 7, 0x8c49fcf0bc1a7d6d),
    ("membership", 8, 0xbc276572d3bb4550),
    ("membership", 9, 0xbc276572d3bb4550),
    ("compaction", 0, 0xdc249768bfe772be),
    ("compaction", 1, 0x7ee0e5e3f81bffd4),
    ("compaction", 2, 0x352fd61936a35a21),
    ("compaction", 3, 0x352fd61936a35a21),
    ("compaction", 4, 0xcfe6b3da2045b673),
    ("compaction", 5, 0xd0d30dc5c1a81887),
    ("compaction", 6, 0xd0d30dc5c1a81887),
    ("reads", 0, 0x74b4549a8e092b27),
    ("reads", 1, 0x131103bbf196428e),
    ("reads", 2, 0xc0fac46bddfcef97),
    ("reads", 3, 0x80f985e767ce9c99),
    ("reads", 4, 0x57aaa03f5618be14),
    ("reads", 5, 0x57aaa03f5618be14),
    ("reads", 6, 0x57aaa03f5618be14),
];

#[test]
fn built_in_chapters_from_their_files_give_the_same_worlds_as_before() {
    assert_eq!(chapters().len(), BUILT_IN.len(), "every lesson file parses");
    let mut checked = 0;
    for c in chapters() {
        for s in 0..c.steps.len() {
            let hash = c.world_at(s).expect("builds").trace_hash();
            let expected = TRACES
                .iter()
                .find(|(slug, step, _)| *slug == c.slug && *step == s)
                .unwrap_or_else(|| panic!("{} step {s} was not in the tour before", c.slug));
            assert_eq!(hash, expected.2, "{} step {}", c.slug, s + 1);
            checked += 1;
        }
    }
    assert_eq!(checked, TRACES.len(), "no step went missing");
}

/// The page lists the tour's chapters before fetching any of them, by the ids of `lesson::TOUR`
/// and the titles of the catalogue (`tour.<id>`): they must be the files' own, in the files'
/// order, in every language.
#[test]
fn the_tour_menu_names_each_file_by_its_own_id_and_title() {
    let root = env!("CARGO_MANIFEST_DIR");
    for (i, text) in BUILT_IN.iter().enumerate() {
        let chapter = lesson::parse(text).expect("reads");
        assert_eq!(chapter.slug, lesson::TOUR[i]);
        for lang in raftsim::ui::language::LANGUAGES {
            let words = raftsim::i18n::Catalogue::parse(
                &std::fs::read_to_string(format!("{root}/i18n/{lang}.txt")).expect("catalogue"),
            );
            let path = if lang == "en" {
                format!("{root}/lessons/{}.txt", chapter.slug)
            } else {
                format!("{root}/lessons/{lang}/{}.txt", chapter.slug)
            };
            let file = lesson::parse(&std::fs::read_to_string(path).expect("file")).expect("reads");
            assert_eq!(
                words.get(&format!("tour.{}", chapter.slug)),
                Some(file.title.as_str()),
                "{lang}"
            );
        }
        let file = std::fs::read_to_string(lesson::tour_file(&chapter.slug)).expect("file exists");
        assert_eq!(file, *text);
    }
}

#[test]
fn built_in_lessons_load_and_write_back_to_the_same_chapter() {
    for text in BUILT_IN {
        let chapter = lesson::load(text).unwrap_or_else(|e| panic!("{e}"));
        let mut again = lesson::parse(&lesson::write(&chapter)).expect("written text reads back");
        let mut original = chapter.clone();
        for s in again.steps.iter_mut().chain(original.steps.iter_mut()) {
            s.line = 0;
        }
        assert_eq!(again, original, "{}", chapter.slug);
    }
}

/// The built-in chapters ask before the election, split-vote, replication and partition steps
/// (and more), and each question's answer, judged on the world the step ends in, is the one its
/// explanation gives.
#[test]
fn built_in_questions_have_the_answers_their_explanations_give() {
    let expected = [
        (
            "election",
            1,
            "It votes for itself and asks the others for their votes",
        ),
        ("election", 2, "A"),
        (
            "reelection",
            1,
            "One of them times out and starts an election",
        ),
        (
            "split-vote",
            1,
            "No, the votes split and nobody wins term 1",
        ),
        ("split-vote", 2, "A"),
        ("replication", 1, "No, not yet"),
        ("replication", 2, "Two: a majority"),
        ("partition", 3, "No"),
        ("partition", 5, "C"),
    ];
    let mut asked = Vec::new();
    for c in chapters() {
        for (s, step) in c.steps.iter().enumerate() {
            let Some(question) = &step.question else {
                continue;
            };
            let mut world = if s == 0 {
                c.fresh_world().expect("builds")
            } else {
                c.world_at(s - 1).expect("builds")
            };
            let entered_at = c.enter_step(s, &mut world).expect("enters");
            step.finish(entered_at, &mut world);
            let answer = question.right_answer_text(&world, entered_at);
            asked.push((c.slug.clone(), s, answer));
        }
    }
    let asked: Vec<(&str, usize, &str)> = asked
        .iter()
        .map(|(c, s, a)| (c.as_str(), *s, a.as_str()))
        .collect();
    assert_eq!(asked, expected);
}

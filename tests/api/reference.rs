//! The domain rules against independent implementations (python-stdnum, chinesecalendar),
//! asked through `tests/reference/oracle.py`. `scripts/test` installs both packages.

use std::io::Write;
use std::process::{Command, Stdio};

use shared::calendar::Calendar;
use shared::date::{format_iso_date, parse_iso_date};
use shared::ids::{check_resident_id, check_uscc, resident_id, uscc};

/// Asks the oracle one question a line; returns its yes/no answers in order.
fn oracle(questions: &[String]) -> Vec<bool> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/reference/oracle.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3 runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = questions.join("\n") + "\n";
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).expect("write"));
    let out = child.wait_with_output().expect("oracle output");
    writer.join().expect("writer");
    assert!(
        out.status.success(),
        "the oracle failed: pip install chinesecalendar python-stdnum"
    );
    String::from_utf8(out.stdout)
        .expect("utf8")
        .lines()
        .map(|l| l == "1")
        .collect()
}

#[test]
fn every_day_of_2025_and_2026_matches_chinesecalendar() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
    let catalogue = backend::catalogue::load(&dir).expect("catalogue");
    let cal = Calendar::new(&catalogue.calendar).expect("calendar");
    let mut days = Vec::new();
    let mut d = parse_iso_date("2025-01-01").expect("date");
    while d.year() <= 2026 {
        days.push(d);
        d = d.next_day().expect("next");
    }
    let answers = oracle(
        &days
            .iter()
            .map(|d| format!("day {}", format_iso_date(*d)))
            .collect::<Vec<_>>(),
    );
    let wrong: Vec<String> = days
        .iter()
        .zip(answers)
        .filter(|(d, theirs)| cal.is_working_day(**d) != *theirs)
        .map(|(d, theirs)| {
            format!(
                "{} (chinesecalendar: {})",
                format_iso_date(*d),
                if theirs { "work" } else { "off" }
            )
        })
        .collect();
    assert!(wrong.is_empty(), "disagreements: {wrong:?}");
    assert_eq!(days.len(), 730);
}

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn resident_ids_agree_with_python_stdnum() {
    let today = parse_iso_date("2026-11-28").expect("date");
    let mut rng = Lcg(11);
    let mut ids = Vec::new();
    for _ in 0..400 {
        // Region 110105 exists in stdnum's table for every year used here (2000–2025).
        let body = format!(
            "110105{:04}{:02}{:02}{:03}",
            2000 + rng.next(26),
            1 + rng.next(12),
            1 + rng.next(28),
            rng.next(1000)
        );
        let valid = format!("{body}{}", resident_id::check_char(body.as_bytes()) as char);
        let mut wrong = valid.clone().into_bytes();
        let pos = rng.next(18) as usize;
        wrong[pos] = if wrong[pos] == b'0' { b'1' } else { b'0' };
        ids.push(valid);
        ids.push(String::from_utf8(wrong).expect("ascii"));
    }
    let answers = oracle(&ids.iter().map(|i| format!("ric {i}")).collect::<Vec<_>>());
    for (id, theirs) in ids.iter().zip(answers) {
        assert_eq!(check_resident_id(id, today).is_ok(), theirs, "{id}");
    }
}

#[test]
fn credit_codes_agree_with_python_stdnum() {
    let mut rng = Lcg(32100);
    let mut codes = Vec::new();
    for _ in 0..400 {
        // stdnum wrongly rejects a leading Y, so the registering authority is drawn from 1–9.
        let mut body = format!("{}{}411422", 1 + rng.next(9), 1 + rng.next(3)).into_bytes();
        for _ in 0..9 {
            body.push(uscc::ALPHABET[rng.next(31) as usize]);
        }
        let check = uscc::check_char(&body).expect("alphabet");
        let mut valid = body.clone();
        valid.push(check);
        let mut wrong = valid.clone();
        let pos = rng.next(18) as usize;
        wrong[pos] = if wrong[pos] == b'0' { b'1' } else { b'0' };
        codes.push(String::from_utf8(valid).expect("ascii"));
        codes.push(String::from_utf8(wrong).expect("ascii"));
    }
    let answers = oracle(
        &codes
            .iter()
            .map(|c| format!("uscc {c}"))
            .collect::<Vec<_>>(),
    );
    for (code, theirs) in codes.iter().zip(answers) {
        assert_eq!(check_uscc(code).is_ok(), theirs, "{code}");
    }
}

#[test]
fn issued_credit_codes_are_valid_for_python_stdnum() {
    let mut rng = Lcg(411422);
    let codes: Vec<String> = (0..500)
        .map(|_| {
            let serial = rng.next(31u64.pow(6));
            let entity = if rng.next(2) == 0 { b'1' } else { b'2' };
            uscc::issue(entity, "411422", serial).expect("issued")
        })
        .collect();
    let answers = oracle(
        &codes
            .iter()
            .map(|c| format!("uscc {c}"))
            .collect::<Vec<_>>(),
    );
    for (code, theirs) in codes.iter().zip(answers) {
        assert!(theirs, "python-stdnum rejects the issued {code}");
    }
}

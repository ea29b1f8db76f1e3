//! Timestamps for people, without a date-time dependency.

/// Seconds since the Unix epoch as `YYYY-MM-DD HH:MM:SS UTC`, for people.
pub fn utc(secs: i64) -> String {
    let (date, time) = civil(secs);
    format!("{date} {time} UTC")
}

/// Seconds since the Unix epoch as RFC 3339 (`YYYY-MM-DDTHH:MM:SSZ`), for machines.
pub fn rfc3339(secs: i64) -> String {
    let (date, time) = civil(secs);
    format!("{date}T{time}Z")
}

/// `YYYY-MM-DD` and `HH:MM:SS` (Howard Hinnant's civil-from-days).
fn civil(secs: i64) -> (String, String) {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        format!("{year:04}-{month:02}-{day:02}"),
        format!(
            "{:02}:{:02}:{:02}",
            rest / 3600,
            rest % 3600 / 60,
            rest % 60
        ),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_dates() {
        assert_eq!(super::utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(super::rfc3339(1_796_185_000), "2026-12-02T04:16:40Z");
        assert_eq!(super::utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(super::utc(1_795_824_000 + 3_723), "2026-11-28 01:02:03 UTC");
    }
}

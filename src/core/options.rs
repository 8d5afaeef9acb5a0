//! Profile options: site-wide values with per-agent overrides, each checked here.

/// Profile option: the composer is a formatted-text editor when on.
pub const OPT_CKEDITOR: &str = "SVC_CHAT_CKEDITOR_ENABLED";
/// Profile option: seconds an agent has to accept an offered chat.
pub const OPT_OFFER_TIMEOUT: &str = "SVC_CHAT_OFFER_TIMEOUT_SECONDS";
/// Offer timeout used when the profile option is not set.
pub const DEFAULT_OFFER_TIMEOUT_SECONDS: i64 = 30;

/// Every known profile option, with its default and a check of its value.
pub fn check_option(name: &str, value: &str) -> Result<(), String> {
    match name {
        OPT_CKEDITOR => match value {
            "Y" | "N" => Ok(()),
            _ => Err(format!("{OPT_CKEDITOR} must be Y or N, not {value:?}")),
        },
        OPT_OFFER_TIMEOUT => match value.parse::<i64>() {
            Ok(n) if (1..=600).contains(&n) => Ok(()),
            _ => Err(format!(
                "{OPT_OFFER_TIMEOUT} must be a whole number of seconds from 1 to 600, not {value:?}"
            )),
        },
        other => Err(unknown_option(other)),
    }
}

/// Checks that `name` is a profile option this livewindow knows.
pub fn check_option_name(name: &str) -> Result<(), String> {
    match name {
        OPT_CKEDITOR | OPT_OFFER_TIMEOUT => Ok(()),
        other => Err(unknown_option(other)),
    }
}

fn unknown_option(name: &str) -> String {
    format!("unknown profile option {name:?} (known: {OPT_CKEDITOR}, {OPT_OFFER_TIMEOUT})")
}

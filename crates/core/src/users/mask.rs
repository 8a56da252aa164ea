//! Masked destinations, as `CodeDeliveryDetails` shows them.

/// `jane@example.com` → `j***@e***` (first character of the local part and of the domain).
// AWS: "f***@e***" in 2026 captures of SignUp and ResendConfirmationCode (no TLD any more).
pub fn email(address: &str) -> String {
    let (local, domain) = address.split_once('@').unwrap_or((address, ""));
    let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
    format!("{}***@{}***", first(local), first(domain))
}

/// `+15555551234` → `+*******1234`: one `*` per digit except the last four.
pub fn phone(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    let keep = digits.len().min(4);
    let hidden = digits.len() - keep;
    let tail: String = digits[hidden..].iter().collect();
    format!("+{}{tail}", "*".repeat(hidden))
}

#[cfg(test)]
mod tests {
    #[test]
    fn destinations_are_masked_as_the_service_does() {
        assert_eq!(super::email("jane.doe@example.com"), "j***@e***");
        assert_eq!(super::phone("+15555551234"), "+*******1234");
        assert_eq!(super::phone("+491234561824"), "+********1824");
    }
}

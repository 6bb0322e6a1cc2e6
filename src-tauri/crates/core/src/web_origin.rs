//! Which web addresses Patchbay will send a user or a credential to: HTTPS anywhere, plain
//! HTTP only to this machine (a local consent page, a local authorization server). Never a
//! file, a script or another scheme that a browser or the OS would hand to some program.

use std::net::IpAddr;

/// Whether `link` is `https` with a host, or `http` to a loopback host (`localhost`,
/// 127.0.0.0/8, `::1`).
pub(crate) fn https_or_loopback(link: &str) -> bool {
    let Ok(url) = url::Url::parse(link) else {
        return false;
    };
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => match url.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
            Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
            None => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_here_nothing_else() {
        for fine in [
            "https://auth.example.com/authorize?x=1",
            "http://127.0.0.1:8123/consent",
            "http://127.9.0.1/token",
            "http://localhost:9/x",
            "http://[::1]:80/",
        ] {
            assert!(https_or_loopback(fine), "{fine}");
        }
        for hostile in [
            "http://auth.example.com/token",
            "http://127.0.0.1.example.com/token",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "ms-settings:privacy",
            "vscode://extension/x",
            "not a url",
        ] {
            assert!(!https_or_loopback(hostile), "{hostile}");
        }
    }
}

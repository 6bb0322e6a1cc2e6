//! The sign-in window of an OAuth authorization. It is a browser the user types a password
//! into, so it says whose page it shows: the window title (drawn by the OS, out of the page's
//! reach) and the app's own bar in the authorize dialog follow every navigation. It shows
//! only https pages, or http on this machine; and it hands the same authorization over to the
//! system browser in one click, for providers that refuse embedded sign-in.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use patchbay_core::oauth::PopupPage;
use tauri::webview::{NewWindowResponse, PageLoadEvent};
use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindowBuilder, WindowEvent};

pub const LABEL: &str = "oauth-popup";

/// The authorization the window shows, while it runs.
pub struct Session {
    pub auth_url: String,
    /// Handed to the system browser: closing the window then cancels nothing.
    pub handed_over: AtomicBool,
}

impl Session {
    pub fn hand_over(&self) {
        self.handed_over.store(true, Ordering::SeqCst);
    }
}

static CURRENT: Mutex<Option<Arc<Session>>> = Mutex::new(None);

/// The authorization whose window is open, if any.
pub fn current() -> Option<Arc<Session>> {
    CURRENT.lock().ok().and_then(|c| c.clone())
}

pub fn clear() {
    if let Ok(mut c) = CURRENT.lock() {
        *c = None;
    }
}

/// Where the window's pages go: a plain sender, not the IPC channel itself, because the
/// webview's handlers are dropped while the window is torn down, and dropping a Tauri channel
/// there calls back into the event loop that is tearing it down.
pub type Pages = tokio::sync::mpsc::UnboundedSender<PopupPage>;

/// What the window shows now, to its title and to the dialog.
fn report<R: Runtime>(app: &AppHandle<R>, pages: &Pages, page: &PopupPage) {
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.set_title(&page.title());
    }
    let _ = pages.send(page.clone());
}

/// Opens the window on `url`; `on_closed` runs when the user closes it before the end (not
/// when the authorization was handed to the system browser).
pub fn open<R: Runtime>(
    app: &AppHandle<R>,
    url: &str,
    pages: Pages,
    on_closed: impl FnOnce() + Send + 'static,
) -> patchbay_core::Result<()> {
    let parsed: tauri::Url = url.parse().map_err(|_| {
        patchbay_core::Error::internal(format!("the authorization URL '{url}' is not a URL"))
    })?;
    if let Some(old) = app.get_webview_window(LABEL) {
        let _ = old.destroy();
    }
    let session = Arc::new(Session {
        auth_url: url.to_string(),
        handed_over: AtomicBool::new(false),
    });
    if let Ok(mut c) = CURRENT.lock() {
        *c = Some(Arc::clone(&session));
    }
    let first = PopupPage::of(&parsed);
    let (nav_app, nav_pages) = (app.clone(), pages.clone());
    let load_pages = pages.clone();
    let new_app = app.clone();
    let window = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::External(parsed))
        .title(first.title())
        .inner_size(520.0, 700.0)
        // Every navigation the page starts, redirects included where the engine asks.
        .on_navigation(move |url| {
            let page = PopupPage::of(url);
            report(&nav_app, &nav_pages, &page);
            if !page.allowed {
                tracing::warn!(origin = %page.origin, "the sign-in window refused a page that is not https");
            }
            page.allowed
        })
        // What did load, in case a navigation reached the page without asking first.
        .on_page_load(move |webview, payload| {
            if payload.url().as_str() == "about:blank" {
                return; // what a refused page is replaced with: the dialog keeps saying why
            }
            let page = PopupPage::of(payload.url());
            if !page.allowed && payload.event() == PageLoadEvent::Started {
                let _ = webview.navigate("about:blank".parse().expect("a URL"));
            }
            let _ = load_pages.send(page.clone());
            let _ = webview.set_title(&page.title());
        })
        // The page cannot retitle the window: the title says whose page it is.
        .on_document_title_changed(move |window, _| {
            if let Ok(url) = window.url() {
                let _ = window.set_title(&PopupPage::of(&url).title());
            }
        })
        // A page opening a window gets it in this one, under the same checks.
        .on_new_window(move |url, _| {
            if PopupPage::of(&url).allowed
                && let Some(window) = new_app.get_webview_window(LABEL)
            {
                let _ = window.navigate(url);
            }
            NewWindowResponse::Deny
        })
        .build()
        .map_err(|e| {
            patchbay_core::Error::internal(format!("cannot open the sign-in window: {e}"))
        })?;
    let _ = pages.send(first);
    let on_closed = Mutex::new(Some(on_closed));
    window.on_window_event(move |event| {
        if matches!(event, WindowEvent::Destroyed)
            && !session.handed_over.load(Ordering::SeqCst)
            && let Some(f) = on_closed.lock().ok().and_then(|mut f| f.take())
        {
            f();
        }
    });
    Ok(())
}

/// Closes the window (at the end of the authorization, or when handed over).
pub fn close<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.destroy();
    }
}

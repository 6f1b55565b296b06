// Who is at the console. The login screen (a card over the dimmed map:
// user name and password, or an API token), the header's badge (user ·
// partner · role, the feeds the partner is cleared for in its tooltip, Log
// out), the marking of whose view the page shows, and what the role may
// use: controls marked data-needs="exports" (or "networks", ...) are
// locked, or hidden with data-locked="hide", and say why on hover; an
// element marked data-needs-missing="exports" shows only while locked.
//
// The session itself is an HttpOnly cookie the page never sees: nothing
// secret is kept in the page, in localStorage or in the address bar.
import * as api from "./api";
import type { Credentials, Feature, Session } from "./api";
import { esc } from "./fmt";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** Why the login screen shows. */
export type Why = "start" | "expired" | "logout";

/** What each role may use, for the badge's tooltip. */
const ROLE_TEXT: Record<string, string> = {
  viewer: "The map, vessels, profiles, tracks, events and the live stream.",
  analyst: "The map, vessels, profiles, tracks, events and the live stream; networks and exports.",
  admin: "Everything: networks and exports; feeds, metrics and the audit log.",
};

/** The page's parts that the login screen makes inert. */
const BEHIND = ["marking", "topbar", "main", "timebar"];

/**
 * The token of a demo login link (#login=pkt_…), or null. The token is
 * removed from the address bar before anything else happens, so that it
 * stays out of the history, bookmarks and screenshots of the page.
 */
export function takeLoginLink(): string | null {
  const parts = location.hash.replace(/^#/, "").split("&").filter(Boolean);
  const i = parts.findIndex((p) => p.startsWith("login="));
  if (i < 0) return null;
  let token = parts[i].slice("login=".length);
  try {
    token = decodeURIComponent(token);
  } catch {
    /* not encoded: taken as it is */
  }
  parts.splice(i, 1);
  history.replaceState(history.state, "", location.pathname + location.search + (parts.length ? `#${parts.join("&")}` : ""));
  return token.trim() || null;
}

export class Gate {
  session: Session | null = null;
  private mode: "password" | "token" = "password";
  private busy = false;
  private waitUntil = 0;
  private waitTimer = 0;
  private focusBack: Element | null = null;

  /**
   * onLogin runs with the new session after a login; onLogout when the
   * officer asks to log out.
   */
  constructor(
    private onLogin: (s: Session) => void,
    private onLogout: () => void,
  ) {
    $("login-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.submit();
    });
    $("login-mode").addEventListener("click", () => {
      this.setMode(this.mode === "password" ? "token" : "password");
      this.error("");
      this.focusField();
    });
    $("logout").addEventListener("click", () => this.onLogout());
    // The badge's tooltip also opens by keyboard, and Escape closes it.
    const badge = $("who-badge");
    badge.addEventListener("click", () => $("who").classList.toggle("open"));
    badge.addEventListener("blur", () => $("who").classList.remove("open"));
    badge.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") $("who").classList.remove("open");
    });
  }

  get shown(): boolean {
    return !$("login").hidden;
  }

  /**
   * Shows the login screen over the map and makes the rest of the page
   * inert. user fills the user name in (after a session expired, the
   * officer types only the password); error is shown at once (a login
   * link that was refused), in token mode if token.
   */
  show(why: Why, opts: { user?: string; error?: string; token?: boolean } = {}): void {
    if (!this.shown) this.focusBack = document.activeElement;
    for (const id of BEHIND) $(id).inert = true;
    const info = $("login-info");
    info.hidden = why === "start";
    info.className = `info ${why}`;
    info.textContent =
      why === "expired"
        ? "Your session has ended (it expired or its token was revoked). Log in again: the map keeps its view."
        : why === "logout"
          ? "You are logged out. The page no longer shows any partner's data."
          : "";
    $<HTMLInputElement>("login-user").value = opts.user ?? "";
    $<HTMLInputElement>("login-password").value = "";
    $<HTMLInputElement>("login-token").value = "";
    this.setMode(opts.token ? "token" : "password");
    this.error(opts.error ?? "");
    $("login").hidden = false;
    document.body.classList.add("locked");
    this.focusField();
  }

  /** Hides the login screen and gives the focus back to the page. */
  hide(): void {
    if (!this.shown) return;
    $("login").hidden = true;
    document.body.classList.remove("locked");
    for (const id of BEHIND) $(id).inert = false;
    // Back where the officer was when the session ended; at start, the page.
    const back = this.focusBack;
    this.focusBack = null;
    if (back instanceof HTMLElement && back.isConnected && back !== document.body) back.focus({ preventScroll: true });
    else (document.activeElement as HTMLElement | null)?.blur();
  }

  /** Shows who is logged in (null: nobody) and locks what the role may not use. */
  render(s: Session | null): void {
    this.session = s;
    document.body.dataset.session = !s ? "none" : s.open ? "open" : "partner";
    const who = $("who");
    const marking = $("marking");
    who.hidden = !s || s.open;
    who.classList.remove("open");
    // The marking's row is always there: a map resized under a login would
    // reload what it is loading.
    if (!s) {
      marking.className = "marking none";
      marking.textContent = "Not logged in";
      marking.title = "";
    } else if (s.open) {
      marking.className = "marking open";
      marking.innerHTML = `<b>Open server</b> <span>no access control: every feed is shown</span>`;
      marking.title = "This server has no logins: everyone who reaches it sees every feed.";
    } else if (s) {
      const partner = s.partner || "?";
      const feeds = s.clearance.length ? s.clearance.join(", ") : "no feed";
      marking.className = "marking partner";
      marking.innerHTML = `<b>Releasable to ${esc(partner)}</b>`;
      marking.title = `This page shows what ${partner} is cleared to see: ${feeds}.`;
      $("who-user").textContent = s.user;
      $("who-partner").textContent = partner;
      $("who-role").textContent = s.role;
      $("who-tip").innerHTML =
        `<div class="tip-h">${s.clearance.length ? `Cleared for ${s.clearance.length} feed${s.clearance.length > 1 ? "s" : ""}` : "Cleared for no feed"}</div>` +
        (s.clearance.length ? `<ul class="feeds">${s.clearance.map((f) => `<li>${esc(f)}</li>`).join("")}</ul>` : `<div class="muted">The map stays empty.</div>`) +
        `<div class="tip-h">Role: ${esc(s.role)}</div><div>${esc(ROLE_TEXT[s.role] ?? ROLE_TEXT.viewer)}</div>`;
      $("who-badge").setAttribute("aria-label", `Logged in as ${s.user} for ${partner}, role ${s.role}. Cleared for ${feeds}.`);
    }
    for (const el of document.querySelectorAll<HTMLElement>("[data-needs]")) {
      const f = el.dataset.needs as Feature;
      const ok = api.allowed(s, f);
      if (el.dataset.locked === "hide") el.hidden = !ok;
      el.classList.toggle("locked", !ok);
      if (ok) el.removeAttribute("aria-disabled");
      else el.setAttribute("aria-disabled", "true");
      const title = (el.dataset.title ??= el.title);
      el.title = ok ? title : api.needs(f);
    }
    for (const el of document.querySelectorAll<HTMLElement>("[data-needs-missing]")) {
      const f = el.dataset.needsMissing as Feature;
      el.hidden = api.allowed(s, f);
      el.title = api.needs(f);
    }
  }

  private setMode(m: "password" | "token"): void {
    this.mode = m;
    $("login-by-password").hidden = m !== "password";
    $("login-by-token").hidden = m !== "token";
    $("login-mode").textContent = m === "password" ? "Use an API token instead" : "Use a user name and password instead";
  }

  private focusField(): void {
    const user = $<HTMLInputElement>("login-user");
    const el = this.mode === "token" ? $<HTMLInputElement>("login-token") : user.value ? $<HTMLInputElement>("login-password") : user;
    el.focus();
    el.select();
  }

  /** Shows msg under the fields (empty: hides it). */
  private error(msg: string): void {
    const el = $("login-error");
    el.textContent = msg;
    el.hidden = !msg;
  }

  private credentials(): Credentials | null {
    if (this.mode === "token") {
      const token = $<HTMLInputElement>("login-token").value.trim();
      if (token) return { token };
      this.error("Paste an API token.");
      $("login-token").focus();
      return null;
    }
    const user = $<HTMLInputElement>("login-user").value.trim();
    const password = $<HTMLInputElement>("login-password").value;
    if (!user) {
      this.error("Enter your user name.");
      $("login-user").focus();
      return null;
    }
    if (!password) {
      this.error("Enter your password.");
      $("login-password").focus();
      return null;
    }
    return { user, password };
  }

  private async submit(): Promise<void> {
    if (this.busy || Date.now() < this.waitUntil) return;
    const c = this.credentials();
    if (!c) return;
    const button = $<HTMLButtonElement>("login-submit");
    this.busy = true;
    button.disabled = true;
    button.textContent = "Logging in…";
    this.error("");
    try {
      const s = await api.login(c);
      $<HTMLInputElement>("login-password").value = "";
      $<HTMLInputElement>("login-token").value = "";
      this.onLogin(s);
    } catch (e) {
      if (e instanceof api.LoginError && e.status === 429) this.rateLimited(e.retryAfter);
      else if (e instanceof api.LoginError) this.error(e.message);
      else this.error(`The server did not answer: ${(e as Error)?.message ?? e}`);
      // A wrong password is typed again; a token is pasted over.
      const field = this.mode === "token" ? $<HTMLInputElement>("login-token") : $<HTMLInputElement>("login-password");
      if (this.mode === "password") field.value = "";
      field.focus();
      field.select();
    } finally {
      this.busy = false;
      button.textContent = "Log in";
      button.disabled = Date.now() < this.waitUntil;
    }
  }

  /** The server takes no try for secs: say so, count down, then let the officer try again. */
  private rateLimited(secs: number): void {
    this.waitUntil = Date.now() + secs * 1000;
    const button = $<HTMLButtonElement>("login-submit");
    clearInterval(this.waitTimer);
    const tick = () => {
      const left = Math.ceil((this.waitUntil - Date.now()) / 1000);
      if (left > 0) {
        this.error(`Too many attempts. Try again in ${left < 120 ? `${left} s` : `${Math.ceil(left / 60)} min`}.`);
        button.disabled = true;
        return;
      }
      clearInterval(this.waitTimer);
      this.waitUntil = 0;
      button.disabled = false;
      this.error("");
    };
    tick();
    this.waitTimer = window.setInterval(tick, 1000);
  }
}

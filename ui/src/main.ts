import "./lib/styles/tokens.css";
import "./lib/styles/base.css";
import "./lib/styles/layout.css";

import { mount } from "svelte";

import App from "./App.svelte";
import { tauriBackend } from "./lib/backend/tauri";

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");
const backend = tauriBackend();
mount(App, { target, props: { backend } });
// The frame after the one that laid the app out is the first one on screen.
requestAnimationFrame(() => requestAnimationFrame(() => void backend.firstPaint().catch(() => {})));

import "./lib/styles/tokens.css";
import "./lib/styles/base.css";

import { mount } from "svelte";

import App from "./App.svelte";
import { tauriBackend } from "./lib/backend/tauri";

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");
mount(App, { target, props: { backend: tauriBackend() } });

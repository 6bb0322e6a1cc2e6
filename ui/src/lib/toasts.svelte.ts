// Toasts: short messages in the corner. Errors carry the meaning of their code; an action
// (such as Undo) can ride along.
import { BackendError, errorTitles } from "./backend/backend";

export type Toast = {
  id: number;
  tone: "info" | "success" | "error";
  title: string;
  message?: string | undefined;
  action?: { label: string; run: () => void } | undefined;
};

let next = 1;

export class Toasts {
  items: Toast[] = $state([]);

  show(toast: Omit<Toast, "id">, timeoutMs = toast.tone === "error" ? 9000 : 6000): number {
    const id = next++;
    this.items.push({ ...toast, id });
    if (timeoutMs > 0) setTimeout(() => this.dismiss(id), timeoutMs);
    return id;
  }

  success(title: string, message?: string, action?: Toast["action"]): number {
    return this.show({ tone: "success", title, message, action });
  }

  error(error: unknown): number {
    const e = BackendError.from(error);
    return this.show({ tone: "error", title: errorTitles[e.code], message: e.message });
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

// The record pages ask for a task pre-linked to the record they show; the quick-add dialog (owned
// by the shell) listens for this window event. A plain event keeps the two sides decoupled: the
// record pages do not import the dialog, and the dialog does not know which page asked.

export const quickAddTaskEvent = "rapport:quick-add-task";

/** Exactly the links the new task should carry; the dialog pre-fills and may let the user change them. */
export type QuickAddTaskDetail = { contact_id?: string; company_id?: string; deal_id?: string };

export function requestQuickAddTask(detail: QuickAddTaskDetail): void {
  window.dispatchEvent(new CustomEvent<QuickAddTaskDetail>(quickAddTaskEvent, { detail }));
}

export function isQuickAddTaskRequest(event: Event): event is CustomEvent<QuickAddTaskDetail> {
  return event instanceof CustomEvent && event.type === quickAddTaskEvent;
}

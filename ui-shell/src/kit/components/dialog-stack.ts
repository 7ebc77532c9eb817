/** The open dialogs, innermost last: only the innermost one reacts to Escape and Tab. */
const stack: symbol[] = [];

/** Records a dialog as opened (innermost). */
export function pushDialog(id: symbol): void {
  stack.push(id);
}

/** Records a dialog as closed. */
export function removeDialog(id: symbol): void {
  const index = stack.indexOf(id);
  if (index >= 0) stack.splice(index, 1);
}

/** True when `id` is the innermost open dialog. */
export function isTopDialog(id: symbol): boolean {
  return stack[stack.length - 1] === id;
}

/** True while any dialog is open. */
export function anyDialogOpen(): boolean {
  return stack.length > 0;
}

import { mount } from '@vue/test-utils';
import { defineComponent, h, nextTick, ref } from 'vue';
import TDialog from './TDialog.vue';

function mountDialog() {
  const open = ref(false);
  const closed = jest.fn();
  const Host = defineComponent(() => () => [
    h('button', { id: 'opener', onClick: () => (open.value = true) }, 'Open'),
    h(
      TDialog,
      { open: open.value, title: 'Rename', onClose: () => { closed(); open.value = false; } },
      () => [h('input', { id: 'first' }), h('button', { id: 'last' }, 'Save')],
    ),
  ]);
  const wrapper = mount(Host, { attachTo: document.body });
  return { wrapper, open, closed };
}

describe('TDialog', () => {
  afterEach(() => (document.body.innerHTML = ''));

  it('leaves Escape and Tab to an element that owns its keys (a terminal inside)', async () => {
    const open = ref(true);
    const closed = jest.fn();
    const Host = defineComponent(() => () => h(TDialog, { open: open.value, title: 'Shell', onClose: closed }, () => [h('div', { 'data-owns-keys': '', tabindex: 0, id: 'screen' }), h('button', { id: 'after' }, 'Done')]));
    const wrapper = mount(Host, { attachTo: document.body });
    await nextTick();
    await nextTick();
    const screen = document.getElementById('screen') as HTMLElement;
    screen.focus();
    const tab = new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true });
    screen.dispatchEvent(tab);
    screen.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(tab.defaultPrevented).toBe(false);
    expect(closed).not.toHaveBeenCalled();
    // Elsewhere in the dialog Escape still closes it.
    (document.getElementById('after') as HTMLElement).dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(closed).toHaveBeenCalledTimes(1);
    wrapper.unmount();
  });

  it('is a labelled modal that takes focus, traps Tab, closes on Escape and gives focus back', async () => {
    const { wrapper, open, closed } = mountDialog();
    const opener = document.getElementById('opener') as HTMLButtonElement;
    opener.focus();
    await wrapper.get('#opener').trigger('click');
    await nextTick();
    await nextTick();
    const dialog = document.querySelector('[role="dialog"]') as HTMLElement;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)?.textContent).toBe('Rename');
    expect(document.body.classList.contains('t-dialog-open')).toBe(true);
    // The close button comes first; Tab from the last element wraps to it.
    expect(document.activeElement).toBe(dialog.querySelector('.t-dialog__close'));
    (document.getElementById('last') as HTMLElement).focus();
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', bubbles: true }));
    expect(document.activeElement).toBe(dialog.querySelector('.t-dialog__close'));

    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await nextTick();
    await nextTick();
    expect(closed).toHaveBeenCalledTimes(1);
    expect(open.value).toBe(false);
    expect(document.querySelector('[role="dialog"]')).toBeNull();
    expect(document.activeElement).toBe(opener);
    expect(document.body.classList.contains('t-dialog-open')).toBe(false);
    wrapper.unmount();
  });
});

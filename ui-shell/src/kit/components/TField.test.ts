import { mount } from '@vue/test-utils';
import TField from './TField.vue';

describe('TField', () => {
  it('links the label, shows the error and updates v-model', async () => {
    const wrapper = mount(TField, { props: { label: 'Username', modelValue: '', error: 'Enter a username', 'onUpdate:modelValue': (v: string) => wrapper.setProps({ modelValue: v }) } });
    const input = wrapper.get('input');
    expect(wrapper.get('label').attributes('for')).toBe(input.attributes('id'));
    expect(input.attributes('aria-invalid')).toBe('true');
    expect(wrapper.get('.t-field__error').text()).toBe('Enter a username');
    expect(input.attributes('aria-describedby')).toBe(wrapper.get('.t-field__error').attributes('id'));
    await input.setValue('alice');
    expect(wrapper.props('modelValue')).toBe('alice');
  });
});

describe('TField as a number input', () => {
  it('keeps the model as the typed text', async () => {
    const wrapper = mount(TField, { props: { label: 'Days', type: 'number', modelValue: '', 'onUpdate:modelValue': (v: string) => wrapper.setProps({ modelValue: v }) } });
    await wrapper.get('input').setValue('30');
    expect(wrapper.props('modelValue')).toBe('30');
  });
});

/**
 * The caller's count of firing alerts, shared by the sidebar badge and the Alerts page (one
 * module of the plugin's bundle): when the page loads the firing alerts it updates the badge at
 * once, instead of the badge showing an old count until its next refresh.
 */
import { ref } from 'vue';

/** null until first known. */
export const firingCount = ref<number | null>(null);

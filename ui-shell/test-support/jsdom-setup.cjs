// jsdom does not implement scrolling; vue-router's scrollBehavior calls it after each navigation.
globalThis.scrollTo = () => {};

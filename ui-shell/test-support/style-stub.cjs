// Jest stand-in for imported .css files: the console's styles do not matter in jsdom.
module.exports = {};

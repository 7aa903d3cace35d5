// expect: 1:1: JavaScript ecosystem files are not supported
module.exports = {
  apps: [{ name: 'a', script: 'a.js' }],
};

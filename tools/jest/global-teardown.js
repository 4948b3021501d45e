module.exports = require('./database-template').teardown;

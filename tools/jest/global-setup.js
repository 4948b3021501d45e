module.exports = require('./database-template').setup;

module.exports = require('../../tools/webpack/app-webpack.config.js')('config-api');

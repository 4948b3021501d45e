module.exports = require('../../tools/webpack/app-webpack.config.js')('result-sync');

// Stands in, inside the Lambda origin's bundle (dist/origin-lambda/index.mjs), for packages a
// Lambda origin never loads: the Kubernetes client and Google's libraries serve targets that a
// Lambda origin refuses up front. Their modules are bundled lazily and never run there.
module.exports = {};

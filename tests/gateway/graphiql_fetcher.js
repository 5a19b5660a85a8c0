// Runs the fetcher of the gateway's GraphiQL page (gateway/static/graphiql.html) outside a
// browser: argv: the page's HTML file, the page URL, a subscription. Prints the first
// result the subscription sends (JSON) and exits 0, or the error and exits 1.
const fs = require("fs");
const [html, pageUrl, query] = process.argv.slice(2);
const script = /<script>([\s\S]*?)<\/script>\s*<\/body>/.exec(fs.readFileSync(html, "utf8"))[1];
globalThis.window = { location: { href: pageUrl, search: "" } };
globalThis.history = { replaceState() {} };
globalThis.document = { getElementById: () => null };
globalThis.GraphiQL = { createFetcher: () => () => Promise.reject(new Error("not over HTTP")) };
globalThis.React = { createElement: (component, props) => props };
globalThis.ReactDOM = { createRoot: () => ({ render() {} }) };
const fetcher = new Function(script + "\nreturn fetcher;")();
const observable = fetcher({ query, variables: {} }, {});
const subscription = observable.subscribe({
  next(value) {
    console.log(JSON.stringify(value));
    subscription.unsubscribe();
    process.exit(0);
  },
  error(error) { console.error(String(error)); process.exit(1); },
  complete() {},
});
setTimeout(() => { console.error("no result in 60 s"); process.exit(1); }, 60000);

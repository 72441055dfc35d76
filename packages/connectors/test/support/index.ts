export { FakeServer, type FakeHandler, type FakeResponse, type RecordedRequest } from './fake-server.js';
export { connectorContext, TEST_BRANDS, TestClock } from './context.js';
export { acmeStories, hackerNewsSearch, type HackerNewsHit } from './simulators.js';
export { FakeJetstream, jetstreamPost } from './fake-jetstream.js';

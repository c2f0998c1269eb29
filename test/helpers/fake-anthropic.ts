/** The fake Claude API for tests: test/fake-anthropic/ (held to the documented contract). */
export { proposing, startFakeAnthropic, toolResults, userText, type Brain, type FakeAnthropic, type RecordedRequest, type Reply, type Turn } from "../fake-anthropic/server";

import { beforeEach } from "vitest"
import { resetStorage } from "./cloudflare-test-shim.js"

beforeEach(resetStorage)

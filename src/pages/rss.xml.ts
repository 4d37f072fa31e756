import type { APIRoute } from "astro";
import { feedResponse } from "../lib/feed-response.ts";

export const GET: APIRoute = (context) => feedResponse(context);

import type { APIRoute } from "astro";
import { feedResponse } from "../server/feed-response.ts";

export const GET: APIRoute = (context) => feedResponse(context);

# The controller image: Node 24 runs the TypeScript sources directly (type
# stripping), so there is no build step, only production dependencies.
# Keep the Node version equal to the "node" devDependency of package.json.

FROM node:24.21.0-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: no production dependency needs one.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:24.21.0-slim
ENV NODE_ENV=production
# Bounds the V8 heap. Left to its defaults, V8 let the heap grow to about 450 MB while
# draining a 10,000-job backlog in the pipeline benchmark, with under 100 MB of it live:
# garbage piles up faster than it is collected. With these limits the drain peaked near
# 300 MB resident instead of 620 MB, for about a third more CPU per Job spent in the GC
# (docs/controller.md, "Performance work"). The watch caches add a few KB per Job and Pod
# in flight; for tens of thousands at once, set NODE_OPTIONS on the container with a larger
# --max-old-space-size.
ENV NODE_OPTIONS="--max-semi-space-size=8 --max-old-space-size=384"
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
# The image's "node" user, by number: Kubernetes can only verify runAsNonRoot
# against a numeric user. The chart's pod security context uses the same ids.
USER 1000:1000
ENTRYPOINT ["node", "src/main.ts"]
CMD ["controller"]

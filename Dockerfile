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

# CI stand-in for docker.io/library/nginx when no registry is reachable: Debian's nginx, reading
# /etc/nginx/conf.d/*.conf as the official image does (its default site removed).
ARG BASE=localhost/course-base:bookworm
FROM ${BASE}
RUN apt-get update -q && apt-get install -y -q --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default
CMD ["nginx", "-g", "daemon off;"]
